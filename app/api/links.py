"""OpenAPI links: where the ids and ETags one answer gives are used next.

They tell a client (and Schemathesis's stateful phase) that the ETag of a read or a save is
what a later edit sends in If-Match, and which id in the body names the resource. Each entry:
(method, path, status) of the answer -> links to (method, path, {parameter: expression}).
"""

from __future__ import annotations

from typing import Any

Operation = tuple[str, str]
P = "/api/v1"
ETAG = "$response.header.ETag"

MEETING = f"{P}/meetings/{{meeting_id}}"
ITEM = f"{P}/agenda-items/{{item_id}}"
INVITATION = f"{P}/invitations/{{invitation_id}}"


def _meeting_edits(id_expression: str) -> dict[str, tuple[Operation, dict[str, str]]]:
    meeting = {"meeting_id": id_expression}
    versioned = {**meeting, "If-Match": ETAG}
    return {
        "read": (("get", MEETING), meeting),
        "edit": (("patch", MEETING), versioned),
        "cancel": (("post", f"{MEETING}/cancel"), versioned),
        "delegate": (("post", f"{MEETING}/delegation"), versioned),
        "add_item": (("post", f"{MEETING}/agenda/items"), meeting),
        "read_agenda": (("get", f"{MEETING}/agenda"), meeting),
        "read_actions": (("get", f"{MEETING}/agenda/actions"), meeting),
    }


def _item_edits(id_expression: str) -> dict[str, tuple[Operation, dict[str, str]]]:
    """The agenda's ETag (what item edits, moves and papers compare) goes with the item."""
    item = {"item_id": id_expression}
    versioned = {**item, "If-Match": ETAG}
    return {
        "edit_item": (("patch", ITEM), versioned),
        "move_item": (("post", f"{ITEM}/move"), versioned),
        "add_paper": (("post", f"{ITEM}/papers"), versioned),
        "remove_item": (("delete", ITEM), versioned),
        "read_outcome": (("get", f"{ITEM}/outcome"), item),
        "add_action": (("post", f"{ITEM}/actions"), item),
    }


def _invitation_edits(id_expression: str) -> dict[str, tuple[Operation, dict[str, str]]]:
    versioned = {"invitation_id": id_expression, "If-Match": ETAG}
    return {
        "reply": (("post", f"{INVITATION}/reply"), versioned),
        "withdraw": (("post", f"{INVITATION}/withdraw"), versioned),
        "move_deadline": (("post", f"{INVITATION}/deadline"), versioned),
    }


def _outcome_edit() -> dict[str, tuple[Operation, dict[str, str]]]:
    return {
        "record": (
            ("put", f"{ITEM}/outcome"),
            {"item_id": "$response.body#/item_id", "If-Match": ETAG},
        )
    }


def _action_edit(id_expression: str) -> dict[str, tuple[Operation, dict[str, str]]]:
    return {
        "set_status": (
            ("post", f"{P}/agenda-actions/{{action_id}}/status"),
            {"action_id": id_expression, "If-Match": ETAG},
        )
    }


LINKS: dict[tuple[str, str, str], dict[str, tuple[Operation, dict[str, str]]]] = {
    ("get", f"{P}/meetings", "200"): {
        name: link
        for name, link in _meeting_edits("$response.body#/items/0/id").items()
        if "If-Match" not in link[1]  # a list carries no ETag
    },
    ("post", f"{P}/meetings", "201"): _meeting_edits("$response.body#/id"),
    ("get", MEETING, "200"): _meeting_edits("$response.body#/id"),
    ("patch", MEETING, "200"): _meeting_edits("$response.body#/id"),
    ("get", f"{MEETING}/agenda", "200"): _item_edits("$response.body#/items/0/id"),
    ("post", f"{MEETING}/agenda/items", "201"): _item_edits("$response.body#/id"),
    ("patch", ITEM, "200"): _item_edits("$response.body#/id"),
    ("post", f"{ITEM}/move", "200"): _item_edits("$response.body#/id"),
    ("get", f"{ITEM}/outcome", "200"): _outcome_edit(),
    ("put", f"{ITEM}/outcome", "200"): _outcome_edit(),
    ("get", f"{MEETING}/agenda/actions", "200"): _action_edit("$response.body#/0/id"),
    ("post", f"{ITEM}/actions", "201"): _action_edit("$response.body#/id"),
    ("post", f"{P}/agenda-actions/{{action_id}}/status", "200"): _action_edit("$response.body#/id"),
    ("get", f"{P}/invitations", "200"): {
        "read": (("get", INVITATION), {"invitation_id": "$response.body#/0/id"})
    },
    ("post", f"{P}/invitations", "201"): _invitation_edits("$response.body#/id"),
    ("get", INVITATION, "200"): _invitation_edits("$response.body#/id"),
    ("post", f"{INVITATION}/deadline", "200"): _invitation_edits("$response.body#/id"),
}


def _reference(operation: Operation) -> str:
    method, path = operation
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def add_links(spec: dict[str, Any]) -> dict[str, Any]:
    """Put LINKS into the document's responses (a link to an unknown operation is an error)."""
    paths = spec.get("paths", {})
    for (method, path, status), links in LINKS.items():
        response = paths[path][method]["responses"][status]
        for name, ((target_method, target_path), parameters) in links.items():
            assert target_method in paths[target_path], (target_method, target_path)
            response.setdefault("links", {})[name] = {
                "operationRef": _reference((target_method, target_path)),
                "parameters": parameters,
            }
    return spec

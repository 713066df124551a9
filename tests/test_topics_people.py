import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.core.errors import DuplicateError, NotFound, ValidationError
from app.people import services as people
from app.people.models import Side
from app.topics import services as topics
from tests.helpers import unchanged


def test_default_topics_are_seeded(make, session):
    slugs = {t.slug for t in topics.list_topics(session)}
    assert {"russia", "western-balkans", "east-asia"} <= slugs


def test_new_topic_area_with_audit(make, session):
    topic = topics.create_topic(session, None, "hybrid-threats", "Hybrid threats")
    entry = session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "topic.created", AuditEntry.entity_id == topic.id
        )
    )
    assert entry.changes == {
        "slug": "hybrid-threats",
        "name": "Hybrid threats",
        "description": "",
        "is_active": True,
    }


def test_duplicate_topic_slug_is_refused(make, session):
    with unchanged(session), pytest.raises(DuplicateError, match="already exists") as error:
        topics.create_topic(session, None, "russia", "Russian Federation")
    assert error.value.field == "slug"


@pytest.mark.parametrize(
    "slug", ["Russia", "east asia", "-balkans", "a--b", "", "x" * 65, "<script>"]
)
def test_bad_slugs_are_refused(session, make, slug):
    with unchanged(session), pytest.raises(ValidationError) as error:
        topics.create_topic(session, None, slug, "Some topic")
    assert error.value.field == "slug"


def test_rename_and_retire_topic(make, session):
    topic = make.topic()
    topics.update_topic(session, None, topic.id, name="Indo-Pacific", is_active=False)
    assert topic.name == "Indo-Pacific"
    assert topic not in topics.list_topics(session)
    assert topic in topics.list_topics(session, include_inactive=True)


def test_organisations_and_people(make, session):
    fcdo = people.create_organisation(session, None, "uk-fcdo", "Foreign Office", "uk")
    assert fcdo.code == "UK-FCDO"
    assert fcdo.side is Side.UK
    with unchanged(session), pytest.raises(DuplicateError):
        people.create_organisation(session, None, "UK-FCDO", "Again", "uk")
    with pytest.raises(ValidationError, match="must be one of"):
        people.create_organisation(session, None, "XX", "Nowhere", "us")
    minister = people.create_person(
        session,
        None,
        "Eleanor Hartley",
        fcdo.id,
        honorific="Rt Hon",
        position="Foreign Secretary",
        email="FS@fcdo.example",
    )
    assert minister.display_name == "Rt Hon Eleanor Hartley"
    assert minister.email == "fs@fcdo.example"
    with pytest.raises(DuplicateError):
        people.create_person(session, None, "Someone", fcdo.id, email="fs@fcdo.example")
    with pytest.raises(NotFound):
        people.create_person(session, None, "Nobody", 987654)
    with pytest.raises(ValidationError, match="not an e-mail"):
        people.create_person(session, None, "Bad Mail", fcdo.id, email="fs@fcdo\r\nBcc: x@y.z")

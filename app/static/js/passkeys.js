/* Passkeys and security keys (WebAuthn): the browser half of the two ceremonies.
   [data-passkey-register]: asks the server for creation options, calls
   navigator.credentials.create(), posts the credential back.
   [data-passkey-sign-in]: the same with navigator.credentials.get() for the second step of
   signing in. The server checks everything (app/auth/passkeys.py); this only carries bytes.
   Shown only where the browser supports WebAuthn; without it the other factors remain. */
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var raw = atob(base64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i += 1) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return { publicKey: options };
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return { publicKey: options };
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
      response: { clientDataJSON: toText(response.clientDataJSON) }
    };
    if (response.attestationObject) {
      out.response.attestationObject = toText(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toText(response.authenticatorData);
      out.response.signature = toText(response.signature);
      out.response.userHandle = response.userHandle ? toText(response.userHandle) : null;
    }
    return out;
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.message || response.statusText);
        return data;
      });
    });
  }

  function wire(box, run) {
    var button = box.querySelector("[data-passkey-start]");
    var error = box.querySelector("[data-passkey-error]");
    box.classList.add("is-supported");
    button.addEventListener("click", function () {
      error.hidden = true;
      button.disabled = true;
      run(box)
        .then(function (data) { window.location.assign(data.redirect); })
        .catch(function (problem) {
          error.textContent = problem.message || String(problem);
          error.hidden = false;
          button.disabled = false;
        });
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (box) {
    wire(box, function () {
      var csrf = box.getAttribute("data-csrf");
      var name = box.querySelector("input");
      return post(box.getAttribute("data-options-url"), csrf)
        .then(function (options) { return navigator.credentials.create(creationOptions(options)); })
        .then(function (credential) {
          return post(box.getAttribute("data-submit-url"), csrf, {
            credential: credentialJSON(credential),
            name: name ? name.value : ""
          });
        });
    });
  });

  document.querySelectorAll("[data-passkey-sign-in]").forEach(function (box) {
    wire(box, function () {
      var csrf = box.getAttribute("data-csrf");
      return post(box.getAttribute("data-options-url"), csrf)
        .then(function (options) { return navigator.credentials.get(requestOptions(options)); })
        .then(function (credential) {
          return post(box.getAttribute("data-submit-url"), csrf, { credential: credentialJSON(credential) });
        });
    });
  });
})();

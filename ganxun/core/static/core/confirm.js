/* Ask before a destructive POST.  A form marked data-confirm="…" (the message names what goes) opens a
   Bootstrap dialog; only its confirm button submits the form.  data-confirm-button labels that button.
   CSP allows no inline handlers, so this one listener serves every page.  Without JavaScript the form
   simply submits, as before. */
(function () {
  "use strict";
  var labels = (document.currentScript && document.currentScript.dataset) || {};
  var dialog = null;
  var modal = null;
  var pending = null;

  function text(key, fallback) {
    return labels[key] || fallback;
  }

  function build() {
    dialog = document.createElement("div");
    dialog.className = "modal fade";
    dialog.id = "confirm-dialog";
    dialog.tabIndex = -1;
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    dialog.setAttribute("aria-describedby", "confirm-dialog-message");
    dialog.innerHTML =
      '<div class="modal-dialog modal-dialog-centered"><div class="modal-content">' +
      '<div class="modal-header"><h2 class="modal-title h5" id="confirm-dialog-title"></h2>' +
      '<button type="button" class="btn-close" data-bs-dismiss="modal"></button></div>' +
      '<div class="modal-body"><p class="mb-0" id="confirm-dialog-message"></p></div>' +
      '<div class="modal-footer">' +
      '<button type="button" class="btn btn-outline-secondary" data-bs-dismiss="modal" data-confirm-cancel></button>' +
      '<button type="button" class="btn btn-danger" data-confirm-ok></button>' +
      "</div></div></div>";
    // Texts go in as text, never as markup: a message may carry a name someone typed.
    dialog.querySelector(".modal-title").textContent = text("title", "Please confirm");
    dialog.querySelector(".btn-close").setAttribute("aria-label", text("close", "Close"));
    dialog.querySelector("[data-confirm-cancel]").textContent = text("cancel", "Cancel");
    dialog.querySelector("[data-confirm-ok]").addEventListener("click", function () {
      var form = pending;
      pending = null;
      modal.hide();
      if (form) {
        HTMLFormElement.prototype.submit.call(form);
      }
    });
    dialog.addEventListener("hidden.bs.modal", function () {
      pending = null;
    });
    document.body.appendChild(dialog);
    modal = new window.bootstrap.Modal(dialog);
  }

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-confirm")) {
        return;
      }
      event.preventDefault();
      event.stopImmediatePropagation();
      var message = form.getAttribute("data-confirm");
      if (!(window.bootstrap && window.bootstrap.Modal)) {
        if (window.confirm(message)) {
          HTMLFormElement.prototype.submit.call(form);
        }
        return;
      }
      if (!dialog) {
        build();
      }
      pending = form;
      dialog.querySelector("#confirm-dialog-message").textContent = message;
      dialog.querySelector("[data-confirm-ok]").textContent =
        form.getAttribute("data-confirm-button") || text("ok", "Confirm");
      modal.show();
    },
    true
  );
})();

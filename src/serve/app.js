// gpdata serve: the live check. As the person types, the form is sent (unsaved) to the
// server, which runs the same checks as `gpdata check` and says which field each problem is in.
(function () {
  "use strict";
  var form = document.getElementById("flow-form") || document.getElementById("practice-form");
  var del = document.getElementById("delete-flow");
  if (del) {
    del.addEventListener("submit", function (event) {
      if (!window.confirm("Remove this flow from the register file?")) { event.preventDefault(); }
    });
  }
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("live-status");
  var timer = null;
  var sent = 0;
  function show(result, seq) {
    if (seq !== sent) { return; } // an older answer arriving late
    var boxes = form.querySelectorAll(".field-error");
    for (var i = 0; i < boxes.length; i++) {
      boxes[i].textContent = "";
      boxes[i].parentNode.classList.remove("has-error");
    }
    Object.keys(result.fields).forEach(function (path) {
      var box = document.getElementById("e-" + path.split(".").join("-"));
      if (!box) { return; }
      result.fields[path].forEach(function (d) {
        var p = document.createElement("p");
        p.className = d.severity;
        p.textContent = d.message + (d.help ? " (" + d.help + ")" : "");
        box.appendChild(p);
        if (d.severity === "error") { box.parentNode.classList.add("has-error"); }
      });
    });
    var other = result.other.map(function (d) { return typeof d === "string" ? d : d.message; });
    if (status) {
      status.textContent = result.count === 0 ? "No problems" :
        result.count + (result.count === 1 ? " problem" : " problems") +
        (other.length ? ": " + other.join("; ") : "");
    }
  }
  function check() {
    var seq = ++sent;
    var body = new URLSearchParams(new FormData(form));
    fetch(form.getAttribute("data-check"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (result) { if (result) { show(result, seq); } })
      .catch(function () { if (status) { status.textContent = "The live check is not answering; is gpdata still running?"; } });
  }
  function soon() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(check, 250);
  }
  form.addEventListener("input", soon);
  form.addEventListener("change", soon);
}());

// The 微课堂 player.  Progress is measured by the server: this script only reports, every few seconds, whether
// the lesson is on screen and playing; the server credits the time between two reports by its own clock.
const config = JSON.parse(document.getElementById("player-config").textContent);
const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
const video = document.getElementById("lesson-video");
const viewer = document.getElementById("pdf-viewer");
const IDLE_MS = 5 * 60 * 1000; // a document nobody has touched for five minutes is not being read

let lastActivity = Date.now();
for (const name of ["scroll", "pointerdown", "pointermove", "keydown", "touchstart", "wheel"]) {
  window.addEventListener(name, () => { lastActivity = Date.now(); }, { passive: true });
}

// --- the document, drawn with PDF.js -----------------------------------------------------------------------
async function showDocument() {
  try {
    const pdfjs = await import(viewer.dataset.pdfjs);
    pdfjs.GlobalWorkerOptions.workerSrc = viewer.dataset.worker;
    const pdf = await pdfjs.getDocument({
      url: viewer.dataset.src,
      isEvalSupported: false,
      cMapUrl: viewer.dataset.cmaps, // Chinese fonts not embedded in the file are drawn through these
      cMapPacked: true,
      standardFontDataUrl: viewer.dataset.fonts,
    }).promise;
    document.getElementById("pdf-loading").remove();
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const width = Math.min(viewer.clientWidth - 8, 1000);
      const scale = width / page.getViewport({ scale: 1 }).width;
      const viewport = page.getViewport({ scale: scale * (window.devicePixelRatio || 1) });
      const canvas = document.createElement("canvas");
      canvas.width = viewport.width;
      canvas.height = viewport.height;
      canvas.style.width = `${width}px`;
      canvas.className = "d-block mx-auto mb-2 shadow-sm bg-white";
      canvas.dataset.page = String(number);
      viewer.appendChild(canvas);
      await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
    }
    viewer.dataset.pages = String(pdf.numPages);
  } catch (error) {
    viewer.textContent = viewer.dataset.failed;
  }
}
if (viewer) showDocument();

// --- heartbeats ----------------------------------------------------------------------------------------------
if (config.counts) {
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  const stateLine = document.getElementById("progress-state");
  const resume = document.getElementById("resume-here");
  let token = null;
  let seq = 0;
  let sent = null; // the state last reported
  let done = bar.classList.contains("bg-success");

  const say = (key, css) => {
    if (done && key !== "done") return;
    stateLine.className = `small mt-1 ${css || ""}`;
    stateLine.textContent = stateLine.dataset[key];
  };

  function playing() {
    if (document.visibilityState !== "visible") return false;
    if (video) return !video.paused && !video.ended;
    return Date.now() - lastActivity < IDLE_MS;
  }

  function current() {
    if (document.visibilityState !== "visible") return "hidden";
    return playing() ? "playing" : "paused";
  }

  async function start() {
    const response = await fetch(config.start, { method: "POST", headers: { "X-CSRFToken": csrf } });
    if (!response.ok) { say("error", "text-danger"); return; }
    token = (await response.json()).token;
    seq = 0;
    sent = null;
    resume.classList.add("d-none");
    beat(current());
  }

  async function beat(state, keepalive = false) {
    if (!token) return;
    seq += 1;
    sent = state;
    const body = JSON.stringify({ token, seq, state, position: video ? video.currentTime : 0 });
    try {
      const response = await fetch(config.beat, {
        method: "POST",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
        body,
        keepalive,
      });
      const answer = await response.json();
      if (answer.status === "superseded") {
        token = null;
        say("elsewhere", "text-warning-emphasis");
        resume.classList.remove("d-none");
        return;
      }
      if (!response.ok) { say("error", "text-danger"); return; }
      bar.style.width = `${answer.percent}%`;
      bar.parentElement.setAttribute("aria-valuenow", String(answer.percent));
      text.textContent = `${answer.percent}%`;
      if (answer.completed) {
        done = true;
        bar.classList.add("bg-success");
        say("done", "text-success");
      } else {
        say(state === "playing" ? "counting" : "paused", state === "playing" ? "" : "text-secondary");
      }
    } catch (error) {
      say("error", "text-danger");
    }
  }

  setInterval(() => {
    const state = current();
    if (state === "playing" || sent === "playing") beat(state);
  }, config.interval * 1000);
  document.addEventListener("visibilitychange", () => beat(current(), true));
  window.addEventListener("pagehide", () => beat("hidden", true));
  if (video) {
    video.addEventListener("loadedmetadata", () => {
      if (config.position > 0 && config.position < video.duration - 1) video.currentTime = config.position;
    }, { once: true });
    video.addEventListener("play", () => beat(current()));
    video.addEventListener("pause", () => beat(current()));
    video.addEventListener("ended", () => beat("paused"));
  }
  resume.addEventListener("click", start);
  start();
}

// A video chosen for a lesson: its running time is read in the browser and written into the length field
// (the administrator may still change it).  A PDF's reading time is the administrator's to set.
(function () {
  const file = document.querySelector("input[type=file][name=upload]");
  const length = document.querySelector("input[data-length]");
  if (!file || !length) return;
  file.addEventListener("change", function () {
    const chosen = file.files && file.files[0];
    if (!chosen || !chosen.type.startsWith("video/")) return;
    const url = URL.createObjectURL(chosen);
    const probe = document.createElement("video");
    probe.preload = "metadata";
    probe.addEventListener("loadedmetadata", function () {
      if (isFinite(probe.duration) && probe.duration > 0) length.value = Math.ceil(probe.duration);
      URL.revokeObjectURL(url);
    });
    probe.src = url;
  });
})();

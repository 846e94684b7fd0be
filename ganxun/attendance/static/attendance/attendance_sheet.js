// The attendance sheet's "select all" box ticks every row box (the form works without it, row by row).
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box.matches("[data-select-all]")) {
    document.querySelectorAll(box.dataset.selectAll).forEach((row) => { row.checked = box.checked; });
  }
});

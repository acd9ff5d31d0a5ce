(() => {
  "use strict";
  const cards = Array.from(document.querySelectorAll("article.card"));
  const buttons = Array.from(document.querySelectorAll(".legend button[data-k]"));
  const only = document.getElementById("only-findings");
  const shown = document.getElementById("shown");
  const opacity = document.getElementById("opacity");
  const chosen = new Set();

  function apply() {
    let count = 0;
    const keys = Array.from(chosen, (k) => " " + k + " ");
    for (const card of cards) {
      const classes = card.dataset.k;
      const visible = (!only.checked || card.dataset.f !== "0") &&
        (keys.length === 0 || keys.some((k) => classes.includes(k)));
      if (card.hidden === visible) card.hidden = !visible;
      if (visible) count += 1;
    }
    for (const button of buttons) button.classList.toggle("on", chosen.has(button.dataset.k));
    shown.textContent = count.toLocaleString("en") + " of " + cards.length.toLocaleString("en") + " cards shown";
  }

  for (const button of buttons) {
    button.addEventListener("click", () => {
      const key = button.dataset.k;
      if (chosen.has(key)) chosen.delete(key); else chosen.add(key);
      apply();
    });
  }
  only.addEventListener("change", apply);
  document.getElementById("show-all").addEventListener("click", () => {
    chosen.clear();
    only.checked = false;
    apply();
  });
  opacity.addEventListener("input", () => {
    document.documentElement.style.setProperty("--mask-opacity", String(opacity.value / 100));
  });

  // The page's address may choose filters: preview.html#class=cat&class=dog&findings
  const params = new URLSearchParams(location.hash.slice(1));
  for (const name of params.getAll("class")) {
    for (const button of buttons) if (button.dataset.name === name) chosen.add(button.dataset.k);
  }
  if (params.has("findings")) only.checked = true;
  if (params.has("opacity")) {
    opacity.value = params.get("opacity");
    opacity.dispatchEvent(new Event("input"));
  }
  apply();
})();

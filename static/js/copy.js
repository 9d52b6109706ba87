// Copy buttons: <button data-copy-target="id" hidden> copies that element's text.
// Without JavaScript the button stays hidden and the text is plain, selectable text.
"use strict";

function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

document.querySelectorAll("button[data-copy-target]").forEach((button) => {
  const target = document.getElementById(button.dataset.copyTarget);
  const status = document.getElementById(button.dataset.copyStatus);
  if (!target) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const text = target.textContent.trim();
    const done = () => { if (status) status.textContent = button.dataset.copied; };
    const fallback = () => {
      selectText(target);
      if (status) status.textContent = button.dataset.selected;
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  });
});

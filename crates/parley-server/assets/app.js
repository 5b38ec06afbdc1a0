// Parley's only page script, and nothing depends on it: "/" focuses the search box, forms
// marked data-confirm ask before they submit, and a mock interview's clock counts down (the
// server enforces the time either way).
document.addEventListener("keydown", (e) => {
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
  if (e.key === "/" && !typing) {
    const q = document.getElementById("q");
    if (q) { e.preventDefault(); q.focus(); q.select(); }
  }
});
document.addEventListener("submit", (e) => {
  const f = e.target;
  if (f instanceof HTMLFormElement && f.dataset.confirm && !window.confirm(f.dataset.confirm)) {
    e.preventDefault();
  }
});
// The mock interview's clock: minutes and seconds left; at zero the answers are sent and the
// mock ends (the server would refuse later answers anyway).
document.addEventListener("DOMContentLoaded", () => {
  const clock = document.querySelector(".clock[data-seconds-left]");
  if (!clock) return;
  const end = Date.now() + Number(clock.dataset.secondsLeft) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    clock.textContent = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left`;
    if (left === 0) {
      const form = document.getElementById("mock-form");
      const finish = document.getElementById("finish-mock");
      if (form && finish) { form.requestSubmit(finish); }
      return;
    }
    setTimeout(tick, 1000);
  };
  tick();
});

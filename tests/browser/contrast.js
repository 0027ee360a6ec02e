// WCAG contrast ratio of every visible text element in the widget against its background.
() => {
  const rgb = (s) => s.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const v = c.map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = getComputedStyle(el).backgroundColor;
      if (!/rgba\(0, 0, 0, 0\)|transparent/.test(c)) return c;
    }
    return "rgb(255, 255, 255)";
  };
  return [...document.querySelectorAll(".jep-widget p, .jep-widget a, .jep-widget button, .jep-widget h2, .jep-widget h3")]
    .filter((el) => el.offsetParent !== null && el.textContent.trim())
    .map((el) => {
      const a = lum(rgb(getComputedStyle(el).color));
      const b = lum(rgb(background(el)));
      return [el.className || el.tagName, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
    });
}

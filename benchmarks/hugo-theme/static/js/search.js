window.addEventListener("DOMContentLoaded", () => {
  new PagefindUI({ element: "#search", showSubResults: false });
});

"""Pages of attendance: QR check-in, the attendance sheet, attendance import, and evaluations."""

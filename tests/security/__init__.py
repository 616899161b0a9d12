"""Issue 8.4: access to every URL by every role; restricted fields in pages and exports."""

"""What the hub and the terminal share: wire shapes and rules both sides apply (see DESIGN.md)."""

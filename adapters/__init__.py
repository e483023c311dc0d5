"""Chat surfaces: each turns platform payloads into core calls and core replies into messages."""

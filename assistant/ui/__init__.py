"""The chat app: pure renderers (``render``, ``pages``), handlers over a per-session state
(``handlers``), and the gradio wiring (``app``), the only module here that imports gradio."""

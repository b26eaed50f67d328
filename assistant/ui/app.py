"""The Gradio chat app: ask the policy, see the clauses behind each answer, and the safeguarding notice.

``create_app(assistant, settings)`` builds the ``gr.Blocks`` (nothing starts); ``start(app, ...)``
launches it with the page's styles, scripts and the ``/policy`` page; ``serve(assistant, settings,
...)`` runs it until interrupted (the ``policy-assistant serve`` command builds the assistant first).
This is the only module that imports gradio: the handlers (``assistant.ui.handlers``,
``assistant.ui.admin``) and renderers (``assistant.ui.render``, ``assistant.ui.pages``) are plain
Python, wired to components here.

What the person sees:
- Always, at the top: "Get help now" (the safeguarding notice, whatever the router decided) and
  "Quick exit" (clears the page and the conversation and goes to a neutral page). While the contacts
  are not configured, a note tells the administrator how to set them.
- Ask: a role choice (staff, parent, volunteer, participant) with example questions for that role;
  each answer carries its cited clauses as cards (a card opens ``/policy#clause-<id>``, the whole
  policy with that clause highlighted) and its own feedback buttons, with text labels and a box to
  include the question (off by default). "Not covered" answers are a plain, differently styled
  statement with who to ask. A disclosure fills the notice panel above the chat (role="alert"); it
  stays until "Start a new conversation". The chat grows with the page (no scrolling box inside it)
  and the newest answer is scrolled into view.
- Volunteer induction: the policy section by section, then a quiz about what to do; the result can
  be printed, or downloaded once every question is answered.
- Admin (only when ``admin_password`` is set; otherwise the tab, and Gradio's file upload endpoint,
  do not exist): re-ingest, upload a new policy version, the clauses that changed, feedback and the
  not-covered questions users flagged.

Privacy: Gradio's run history is off (it would keep inputs in the browser), there is no flagging,
analytics are off (``GRADIO_ANALYTICS_ENABLED=False`` via ``apply_offline_switches``), the theme
uses system fonts so the page fetches nothing from outside, and Gradio's file cache is emptied
hourly and when the app stops (``delete_cache``).

Concurrency: the Gradio queue runs at most ``DEFAULT_CONCURRENCY_LIMIT`` (8) events at once. An
answer takes milliseconds of CPU, so eight at a time keeps a 2-core machine responsive while a
burst of users waits in the queue rather than piling up threads. Admin unlocking runs in its own
queue group, one at a time, and never sleeps, so a password-guessing loop cannot hold the workers
that answer questions. Each client's questions are bounded by ``max_questions_per_minute``.
Re-ingesting swaps the assistant under a lock (``assistant.library``).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable

# Imported at module top on purpose: only `serve` (and the app's tests) import this module, and
# everything here needs gradio (about 3.4 s to import), which `--help` and `ask` never pay.
import gradio as gr

from assistant.library import Library, opener_for
from assistant.quiz import QUIZ_MAX_QUESTIONS
from assistant.settings import ROLES, Settings
from assistant.ui.admin import AdminHandlers
from assistant.ui.handlers import EXAMPLES, ROLE_LABELS, Conversation, Handlers
from assistant.ui.pages import header_html, policy_page_html, quiz_intro, setup_html
from assistant.ui.render import POLICY_ROUTE
from ingest.load import MAX_DOCUMENT_BYTES, SUPPORTED_SUFFIXES

DEFAULT_CONCURRENCY_LIMIT = 8  # see the module docstring
DELETE_CACHE = (3600, 3600)  # Gradio's cached files: every hour, those older than an hour; all when the app stops
UPLOAD_PATH = "/gradio_api/upload"
STATIC = Path(__file__).parent / "static"


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def _theme():
    # System fonts only: the default theme's web font would be fetched from the internet.
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate",
        font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    )


def _client(request: gr.Request | None) -> str:
    """Who is asking, for the per-client bounds: the address the request came from."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", "") or "")


def _session(request: gr.Request | None) -> str:
    """The browser session asking (Gradio's session hash)."""
    return str(getattr(request, "session_hash", "") or "")


def create_app(assistant, settings: Settings, *, opener: Callable[..., object] | None = None) -> gr.Blocks:
    """Build the app (nothing starts). ``opener(reingest=..., policy_dir=...)`` rebuilds the assistant for
    the admin's re-ingest and uploads; it defaults to ``assistant.pipeline.open_assistant`` with the settings."""
    library = Library(settings, assistant, opener or opener_for(settings))
    handlers = Handlers(library, settings)
    admin = AdminHandlers(library, settings) if settings.admin_password else None
    scroll_js = _static("app.js")
    exit_js = _static("exit.js").replace("__QUICK_EXIT_URL__", json.dumps(settings.quick_exit_url))

    # -- adapters from handlers to components (gr.update only here) -----------------------------------

    def respond(question, role, conversation, request: gr.Request = None):
        conversation = handlers.respond(question, role, conversation, _client(request), _session(request))
        return conversation.transcript, conversation.notice_html, conversation, ""

    def give_feedback(feedback_request, conversation):
        status, conversation = handlers.give_feedback(feedback_request, conversation)
        return conversation.transcript, f'<p role="status" class="pa-sr">{status}</p>', conversation

    def get_help(role, conversation):
        conversation = handlers.get_help(role, conversation)
        return conversation.notice_html, conversation.transcript, conversation

    def change_role(role, conversation):
        examples, conversation = handlers.change_role(role, conversation)
        return (*[gr.update(value=q) for q in examples], conversation.notice_html, conversation)

    def new_conversation():
        conversation = handlers.new_conversation()
        return [], conversation.notice_html, conversation, "", ""

    def induction_show(index):
        step = handlers.induction(index)
        return step.html, step.index, gr.update(interactive=step.can_go_back), gr.update(interactive=step.can_go_on)

    def quiz_load():
        quiz = handlers.quiz()
        updates = []
        for i in range(QUIZ_MAX_QUESTIONS):
            if i < len(quiz):
                updates.append(gr.update(label=f"Question {i + 1}: {quiz[i].prompt}", choices=quiz[i].choices(),
                                         value=None, visible=True))
            else:
                updates.append(gr.update(visible=False, value=None, choices=[]))
        return (quiz, quiz_intro(quiz), *updates, "", gr.update(visible=False, value=None), gr.update(visible=False))

    def quiz_submit(quiz, *chosen):
        result, record = handlers.quiz_submit(quiz, chosen)
        marked = "pa-quiz-result" in result
        return result, gr.update(value=record, visible=record is not None), gr.update(visible=marked)

    # -- layout ---------------------------------------------------------------------------------------

    with gr.Blocks(title="Safeguarding policy assistant", analytics_enabled=False, delete_cache=DELETE_CACHE) as demo:
        conversation = gr.State(Conversation())  # per browser session, in memory only

        gr.HTML(header_html(settings), elem_id="pa-header", padding=False)
        with gr.Row(elem_id="pa-toolbar", equal_height=True):
            help_btn = gr.Button("Get help now", elem_id="pa-help", size="sm", scale=0, min_width=120)
            exit_btn = gr.Button("Quick exit", elem_id="pa-exit", size="sm", scale=0, min_width=100)
        gr.HTML(setup_html(settings.contacts), elem_id="pa-setup-note", padding=False)
        notice_panel = gr.HTML("", elem_id="pa-notice-panel", padding=False)

        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                role = gr.Radio(
                    choices=[(ROLE_LABELS[r], r) for r in ROLES], value="staff", label="I am a\u2026",
                    info="This changes who the answers point you to, and the safeguarding notice.",
                    elem_id="pa-role",
                )
                with gr.Row(elem_classes=["pa-examples"]):
                    example_buttons = [gr.Button(q, size="sm", variant="secondary", elem_classes=["pa-example"])
                                       for q in EXAMPLES["staff"]]
                chatbot = gr.Chatbot(
                    label="Conversation", elem_id="pa-chat", height=None, min_height=None, max_height=None,
                    latex_delimiters=[], layout="panel", buttons=["copy"], feedback_options=None,
                    group_consecutive_messages=False, autoscroll=False,
                    placeholder="Ask a question about the policy, or pick an example above.",
                )
                with gr.Row(equal_height=True, elem_id="pa-ask-row"):
                    question = gr.Textbox(
                        label="Your question", placeholder="e.g. Can I record a Zoom session?", lines=1,
                        max_lines=6, scale=5, elem_id="pa-question", autofocus=False,
                    )
                    ask = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="pa-ask")
                clear = gr.Button("Start a new conversation", size="sm", variant="secondary", elem_id="pa-new")
                # The feedback buttons live inside each answer (HTML); static/page.js puts a click here.
                feedback_request = gr.Textbox(visible="hidden", elem_id="pa-fb-request", label="Feedback request")
                feedback_send = gr.Button("Send feedback", visible="hidden", elem_id="pa-fb-send")
                feedback_status = gr.HTML("", elem_id="pa-feedback-status", padding=False)

            with gr.Tab("Volunteer induction", id="induction"):
                gr.Markdown("### Your induction: the policy\nRead the policy a section at a time, then check what "
                            "you would do with a short quiz. Nothing about you is stored.")
                section_index = gr.State(0)
                section_view = gr.HTML(elem_id="pa-induction-section", padding=False)
                with gr.Row():
                    prev_btn = gr.Button("\u2190 Previous section", size="sm", interactive=False)
                    next_btn = gr.Button("Next section \u2192", size="sm")
                gr.Markdown("### Quiz")
                # Built now so the quiz works without a page load (API clients); refreshed on each page
                # load so a re-ingested policy gives new sessions its own quiz.
                quiz = handlers.quiz()
                quiz_state = gr.State(quiz)
                quiz_intro_md = gr.Markdown(quiz_intro(quiz))
                quiz_radios = [
                    gr.Radio(choices=quiz[i].choices() if i < len(quiz) else [],
                             label=f"Question {i + 1}: {quiz[i].prompt}" if i < len(quiz) else f"Question {i + 1}",
                             visible=i < len(quiz), elem_classes=["pa-quiz-q"])
                    for i in range(QUIZ_MAX_QUESTIONS)
                ]
                quiz_submit_btn = gr.Button("Check my answers", variant="primary", elem_id="pa-quiz-check")
                quiz_result = gr.HTML(elem_id="pa-quiz-result", padding=False)
                with gr.Row():
                    quiz_print = gr.Button("Print the result", visible=False, elem_id="pa-quiz-print")
                    quiz_download = gr.DownloadButton("Download the result for your induction record", visible=False,
                                                      elem_id="pa-quiz-download")

            if admin is not None:
                with gr.Tab("Admin", id="admin"):
                    unlocked = gr.State(False)
                    with gr.Row(equal_height=True):
                        password = gr.Textbox(label="Admin password", type="password", scale=4)
                        unlock = gr.Button("Unlock", scale=1, min_width=90)
                    admin_status = gr.HTML(padding=False, elem_id="pa-admin-status")
                    with gr.Column(visible=False, elem_id="pa-admin-area") as admin_area:
                        setup_view = gr.HTML(padding=False)
                        docs_view = gr.HTML(padding=False, elem_id="pa-admin-docs")
                        reingest_btn = gr.Button("Re-ingest the policy folder")
                        gr.Markdown("#### Upload a new policy version\nPDF, Word (.docx), Markdown or text, up to "
                                    f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB. It is saved into the policy folder and "
                                    "ingested; the file it replaces is archived.")
                        upload = gr.File(label="Policy file", file_types=list(SUPPORTED_SUFFIXES), type="filepath")
                        replaces = gr.Dropdown(label="This is a new version of", choices=[("(a new, additional document)", "")],
                                               value="")
                        upload_btn = gr.Button("Upload and ingest", variant="primary")
                        admin_report = gr.Textbox(label="Result", lines=6, interactive=False)
                        gr.Markdown("#### Clauses changed since the previous version")
                        changes_view = gr.HTML(padding=False)
                        gr.Markdown("#### Feedback\nOnly what users chose to send; a question only when they ticked "
                                    "the box to include it. Disclosures are never recorded.")
                        feedback_view = gr.HTML(padding=False, elem_id="pa-admin-feedback")
                        gr.Markdown("#### Questions the policy did not cover (flagged through feedback)")
                        uncovered_view = gr.HTML(padding=False)
                        with gr.Row():
                            refresh_btn = gr.Button("Refresh", size="sm")
                            lock_btn = gr.Button("Lock", size="sm")

                    def admin_views():
                        view = admin.view()
                        docs = view.documents
                        return (view.setup_html, view.documents_html, view.changes_html, view.feedback_html,
                                view.uncovered_html,
                                gr.update(choices=[("(a new, additional document)", "")] + [(d, d) for d in docs],
                                          value=docs[0] if len(docs) == 1 else ""))

                    def admin_unlock(typed, request: gr.Request = None):
                        ok, message = admin.unlock(typed, _client(request))
                        status = f'<p role="{"status" if ok else "alert"}">{message}</p>'
                        if not ok:
                            return (False, gr.update(visible=False), status, "", "", "", "", "", "", gr.update())
                        return (True, gr.update(visible=True), status, "", *admin_views())

                    def admin_lock():
                        return False, gr.update(visible=False), '<p role="status">Admin area locked.</p>', "", "", "", ""

                    def require(is_unlocked):
                        if not is_unlocked:
                            raise gr.Error("The admin area is locked.")

                    def admin_reingest(is_unlocked):
                        require(is_unlocked)
                        return admin.reingest(), *admin_views()

                    def admin_upload(is_unlocked, upload_path, replaced):
                        require(is_unlocked)
                        return admin.upload(upload_path, replaced), *admin_views()

                    def admin_refresh(is_unlocked):
                        require(is_unlocked)
                        return admin_views()

                    views = [setup_view, docs_view, changes_view, feedback_view, uncovered_view, replaces]
                    unlock_outputs = [unlocked, admin_area, admin_status, password, *views]
                    # Its own queue group, one at a time: guessing never holds the workers that answer questions.
                    gate = dict(concurrency_id="admin_unlock", concurrency_limit=1)
                    unlock.click(admin_unlock, [password], unlock_outputs, api_name="admin_unlock", **gate)
                    password.submit(admin_unlock, [password], unlock_outputs, api_visibility="private", **gate)
                    lock_btn.click(admin_lock, None, [unlocked, admin_area, admin_status, password, docs_view,
                                                      feedback_view, uncovered_view], api_visibility="private")
                    reingest_btn.click(admin_reingest, [unlocked], [admin_report, *views], api_name="admin_reingest")
                    upload_btn.click(admin_upload, [unlocked, upload, replaces], [admin_report, *views],
                                     api_name="admin_upload")
                    refresh_btn.click(admin_refresh, [unlocked], views, api_visibility="private")

        # -- events ---------------------------------------------------------------------------------------
        ask_outputs = [chatbot, notice_panel, conversation, question]
        question.submit(respond, [question, role, conversation], ask_outputs, api_name="ask").then(
            None, js=scroll_js, api_visibility="private")
        ask.click(respond, [question, role, conversation], ask_outputs, api_visibility="private").then(
            None, js=scroll_js, api_visibility="private")
        for button in example_buttons:
            button.click(respond, [button, role, conversation], ask_outputs, api_visibility="private").then(
                None, js=scroll_js, api_visibility="private")
        feedback_send.click(give_feedback, [feedback_request, conversation], [chatbot, feedback_status, conversation],
                            api_name="feedback")
        help_btn.click(get_help, [role, conversation], [notice_panel, chatbot, conversation], api_name="get_help").then(
            None, js=scroll_js, api_visibility="private")
        exit_btn.click(new_conversation, None, [chatbot, notice_panel, conversation, question, feedback_status],
                       js=exit_js, api_visibility="private")
        role.change(change_role, [role, conversation], [*example_buttons, notice_panel, conversation],
                    api_visibility="private")
        clear.click(new_conversation, None, [chatbot, notice_panel, conversation, question, feedback_status],
                    api_name="new_conversation")

        step_outputs = [section_view, section_index, prev_btn, next_btn]
        prev_btn.click(lambda i: induction_show(int(i or 0) - 1), [section_index], step_outputs, api_visibility="private")
        next_btn.click(lambda i: induction_show(int(i or 0) + 1), [section_index], step_outputs, api_visibility="private")
        quiz_submit_btn.click(quiz_submit, [quiz_state, *quiz_radios], [quiz_result, quiz_download, quiz_print],
                              api_name="quiz_submit")
        quiz_print.click(None, js="() => { window.print(); }", api_visibility="private")
        demo.load(induction_show, [section_index], step_outputs, api_visibility="private")
        demo.load(quiz_load, None, [quiz_state, quiz_intro_md, *quiz_radios, quiz_result, quiz_download, quiz_print],
                  api_visibility="private")

    demo.queue(default_concurrency_limit=DEFAULT_CONCURRENCY_LIMIT)
    demo.policy_library = library  # read by `start` to serve /policy from the live clauses
    return demo


def policy_routes(library: Library, uploads: bool) -> list:
    """The plain HTML policy page, served beside the app at /policy; and, when the app has no admin
    area, a refusal in front of Gradio's file upload endpoint (nothing else here takes a file)."""
    from starlette.responses import HTMLResponse, PlainTextResponse
    from starlette.routing import Route

    async def policy_page(request):
        return HTMLResponse(policy_page_html(library.clauses, library.settings.contacts.organisation),
                            headers={"Cache-Control": "no-store"})

    async def no_uploads(request):
        return PlainTextResponse("This app takes no file uploads.", status_code=403)

    routes = [Route(f"/{POLICY_ROUTE}", policy_page, methods=["GET"]),
              Route(f"/{POLICY_ROUTE}/", policy_page, methods=["GET"])]
    if not uploads:
        routes += [Route(UPLOAD_PATH, no_uploads, methods=["POST"]), Route(UPLOAD_PATH + "/", no_uploads, methods=["POST"])]
    return routes


def start(app: gr.Blocks, settings: Settings, *, host: str | None = None, port: int | None = None,
          inbrowser: bool = False, block: bool = True, quiet: bool = False) -> str:
    """Launch the app with its styles and the /policy page. Returns the local URL (when not blocking)."""
    library: Library = app.policy_library
    app.launch(
        server_name=host or settings.host,
        server_port=port or settings.port,
        inbrowser=inbrowser,
        prevent_thread_lock=not block,
        quiet=quiet,
        show_error=False,
        footer_links=[],  # no API/settings links for the public; the API stays available to clients
        run_history=False,  # Gradio would otherwise keep every question in the browser's storage
        enable_monitoring=False,
        ssr_mode=False,
        mcp_server=False,
        max_file_size=MAX_DOCUMENT_BYTES,
        theme=_theme(),
        css=_static("app.css"),
        head=f"<style>{_static('media.css')}</style>",  # as written: Gradio would scope these rules (see the file)
        js=_static("page.js"),
        app_kwargs={"routes": policy_routes(library, uploads=bool(settings.admin_password))},
    )
    return app.local_url


def _has_display() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def serve(assistant, settings: Settings, *, host: str, port: int, open_browser: bool = True) -> None:
    """Run the app until interrupted, opening a browser tab unless told not to, in CI or with no display."""
    app = create_app(assistant, settings)
    inbrowser = open_browser and not os.environ.get("CI") and _has_display()
    start(app, settings, host=host, port=port, inbrowser=inbrowser, block=True)

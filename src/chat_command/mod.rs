//! `amazon-chat chat`: a terminal chat with a running server (or `--demo`, a demo server in this
//! process), to try a gateway before writing code against it.
//!
//! On a terminal it is a conversation: answers stream as they come, reasoning dimmed, the history
//! kept and sent with each question, and slash commands (`/model`, `/system`, `/reasoning`,
//! `/usage`, `/reset`, `/help`, `/quit`). Ctrl-C stops the answer in progress; Ctrl-D (or Ctrl-C at the prompt) quits.
//! From a pipe it is one question: stdin is the message, the answer goes to stdout (reasoning to
//! stderr), and the exit status says whether it worked (`echo hi | amazon-chat chat`).
//!
//! - [`transport`]: gRPC (default) or REST (`--rest`), both streamed.
//! - [`render`]: what goes on the terminal, and when it is dimmed.

pub mod render;
pub mod transport;

use crate::config::ChatArgs;
use crate::error::{Error, ErrorKind};
use crate::proto::v1 as api;
use render::Screen;
use std::io::IsTerminal as _;
use transport::{Ended, Piece, Transport};

/// Runs the chat until the user quits (terminal) or the one answer is written (pipe).
pub async fn run(args: &ChatArgs) -> Result<(), Error> {
    let runtime = |message: String| Error::new(ErrorKind::Unavailable, message);
    let demo = if args.demo {
        let progress = crate::progress::Progress::start("starting a demo server");
        let started = demo_server().await;
        progress.done();
        Some(started.map_err(runtime)?)
    } else {
        None
    };
    let url = demo.as_ref().map_or(args.url.as_str(), |demo| demo.url.as_str());
    let mut transport =
        Transport::open(url, args.rest, args.api_key.as_ref(), &args.tls).await.map_err(runtime)?;
    let mut session = Session::new(args);
    if std::io::stdin().is_terminal() {
        if demo.is_some() {
            Screen::note("demo: answers come from the built-in Bedrock emulator, not from AWS");
        }
        Screen::note(&format!("{} at {url}; /help for commands, Ctrl-D to quit", session.model));
        interactive(&mut transport, &mut session).await;
        Ok(())
    } else {
        let mut question = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut question)
            .map_err(|e| Error::startup(ErrorKind::Configuration, format!("cannot read stdin: {e}")))?;
        if question.trim().is_empty() {
            return Err(Error::startup(ErrorKind::Configuration, "nothing to ask: stdin was empty"));
        }
        let mut screen = Screen::piped();
        let ended = session.ask(&mut transport, question.trim_end(), &mut screen).await;
        screen.end();
        ended.map(|_| ()).map_err(runtime)
    }
}

/// The conversation and its settings.
pub struct Session {
    model: String,
    system: Option<String>,
    reasoning_effort: Option<String>,
    max_tokens: Option<u32>,
    history: Vec<api::Message>,
    last: Option<api::Usage>,
    total: api::Usage,
}

impl Session {
    fn new(args: &ChatArgs) -> Self {
        Session {
            model: args.model.clone(),
            system: args.system.clone(),
            reasoning_effort: args.reasoning_effort.clone(),
            max_tokens: args.max_tokens,
            history: Vec::new(),
            last: None,
            total: api::Usage::default(),
        }
    }

    /// Asks one question with the history; on success the question and answer join it.
    async fn ask(
        &mut self,
        transport: &mut Transport,
        question: &str,
        screen: &mut Screen,
    ) -> Result<Ended, String> {
        let mut messages = Vec::with_capacity(self.history.len() + 2);
        if let Some(system) = &self.system {
            messages.push(text_message("system", system));
        }
        messages.extend(self.history.iter().cloned());
        messages.push(text_message("user", question));
        let request = api::ChatCompletionRequest {
            model: self.model.clone(),
            messages,
            max_completion_tokens: self.max_tokens,
            reasoning_effort: self.reasoning_effort.clone(),
            stream_options: Some(api::StreamOptions { include_usage: true }),
            ..Default::default()
        };
        let mut answer = String::new();
        // Until the first piece arrives (a terminal only).
        let mut waiting = Some(crate::progress::Progress::start("waiting for the model"));
        let ended = {
            let mut show = |piece: Piece| {
                waiting.take();
                if let Piece::Text(text) = &piece {
                    answer.push_str(text);
                }
                screen.show(piece);
            };
            transport.ask(request, &mut show).await
        };
        drop(waiting);
        let ended = ended?;
        self.history.push(text_message("user", question));
        self.history.push(text_message("assistant", &answer));
        if let Some(usage) = &ended.usage {
            self.total.prompt_tokens += usage.prompt_tokens;
            self.total.completion_tokens += usage.completion_tokens;
            self.total.total_tokens += usage.total_tokens;
            self.last = Some(*usage);
        }
        Ok(ended)
    }

    /// A slash command's effect, and whether to go on.
    fn command(&mut self, line: &str) -> (String, bool) {
        let (name, rest) = line.split_once(' ').map_or((line, ""), |(n, r)| (n, r.trim()));
        let said = match name {
            "/quit" | "/exit" => return (String::new(), false),
            "/help" => HELP.to_owned(),
            "/model" if rest.is_empty() => format!("model: {}", self.model),
            "/model" => {
                self.model = rest.to_owned();
                format!("model: {} (the conversation goes on)", self.model)
            }
            "/system" if rest.is_empty() => {
                self.system = None;
                "system prompt cleared".to_owned()
            }
            "/system" => {
                self.system = Some(rest.to_owned());
                "system prompt set".to_owned()
            }
            "/reasoning" if rest.is_empty() => {
                format!("reasoning: {}", self.reasoning_effort.as_deref().unwrap_or("off"))
            }
            "/reasoning" if rest == "off" => {
                self.reasoning_effort = None;
                "reasoning: off".to_owned()
            }
            "/reasoning" => {
                self.reasoning_effort = Some(rest.to_owned());
                format!("reasoning: {rest}")
            }
            "/usage" => self.usage(),
            "/reset" => {
                self.history.clear();
                "conversation forgotten".to_owned()
            }
            other => format!("unknown command {other}; /help lists them"),
        };
        (said, true)
    }

    fn usage(&self) -> String {
        let line = |usage: &api::Usage| {
            format!(
                "{} in, {} out, {} total",
                usage.prompt_tokens, usage.completion_tokens, usage.total_tokens
            )
        };
        match &self.last {
            None => "no answer yet".to_owned(),
            Some(last) => format!("last answer: {}; this session: {}", line(last), line(&self.total)),
        }
    }
}

const HELP: &str = "/model [NAME]   show or switch the model
/system [TEXT]  set the system prompt (empty: clear it)
/reasoning [LEVEL|off]  minimal, low, medium, high, xhigh: the model reasons first (dimmed)
/usage          token counts of the last answer and of the session
/reset          forget the conversation
/quit           leave (or Ctrl-D)";

fn text_message(role: &str, text: &str) -> api::Message {
    api::Message {
        role: role.to_owned(),
        content: Some(api::message::Content::Text(text.to_owned())),
        ..Default::default()
    }
}

/// The conversation on a terminal.
async fn interactive(transport: &mut Transport, session: &mut Session) {
    let mut lines = read_lines();
    loop {
        Screen::prompt();
        let line = tokio::select! {
            line = lines.recv() => line,
            _ = tokio::signal::ctrl_c() => None,
        };
        let Some(line) = line else {
            Screen::note("bye");
            return;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line.starts_with('/') {
            let (said, go_on) = session.command(line);
            if !go_on {
                return;
            }
            Screen::note(&said);
            continue;
        }
        let mut screen = Screen::terminal();
        let asked = tokio::select! {
            ended = session.ask(transport, line, &mut screen) => Some(ended),
            _ = tokio::signal::ctrl_c() => None,
        };
        screen.end();
        match asked {
            Some(Ok(ended)) if ended.finish_reason.as_deref() == Some("length") => {
                Screen::note("(cut at the token limit)");
            }
            Some(Ok(_)) => {}
            Some(Err(why)) => Screen::error(&why),
            None => Screen::note("(interrupted; the question was not kept)"),
        }
    }
}

/// Lines from stdin, read on a thread of their own (stdin blocks).
fn read_lines() -> tokio::sync::mpsc::Receiver<String> {
    let (sender, receiver) = tokio::sync::mpsc::channel(1);
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { return };
            if sender.blocking_send(line).is_err() {
                return;
            }
        }
    });
    receiver
}

/// A demo server in this process, on a free loopback port.
struct DemoServer {
    url: String,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn demo_server() -> Result<DemoServer, String> {
    let mut config = crate::config::Config::defaults();
    config.demo = true;
    config.port = 0;
    let (announce, announced) = tokio::sync::oneshot::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    tokio::spawn(crate::server::run_announcing(config, shutdown, move |url: &str| {
        let _ = announce.send(url.to_owned());
    }));
    let url = announced.await.map_err(|_| "the demo server did not start".to_owned())?;
    Ok(DemoServer { url, _stop: stop })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        let args = ChatArgs {
            url: String::new(),
            api_key: None,
            demo: false,
            model: "m1".into(),
            system: None,
            reasoning_effort: None,
            max_tokens: None,
            rest: false,
            tls: Default::default(),
        };
        Session::new(&args)
    }

    #[test]
    fn slash_commands_change_the_session() {
        let mut session = session();
        assert_eq!(session.command("/model m2").0, "model: m2 (the conversation goes on)");
        assert_eq!(session.model, "m2");
        session.command("/system be brief");
        assert_eq!(session.system.as_deref(), Some("be brief"));
        session.history.push(text_message("user", "hi"));
        session.command("/reset");
        assert!(session.history.is_empty());
        assert_eq!(session.command("/usage").0, "no answer yet");
        assert!(session.command("/nope").0.contains("/help"));
        assert!(!session.command("/quit").1);
    }
}

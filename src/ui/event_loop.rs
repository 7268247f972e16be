//! The desk's event loop: keys on their own thread, a tick twice a second, signals and a
//! vanished terminal ending it with the draft kept.

use anyhow::{Context as _, Result, bail};
use crossterm::event::{self, Event};

use crate::app::App;
use crate::terminal::TerminalGuard;

pub fn run_desk(mut app: App) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        bail!(
            "{}",
            app.lang.pick(
                "值班台需要在终端中运行(标准输出不是终端)",
                "the desk needs a terminal (standard output is not one)"
            )
        );
    }
    // SIGTERM and SIGHUP (a closed SSH link) end the desk cleanly: the draft is written
    // and the terminal restored, instead of dying mid-typing.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))
            .context("installing signal handlers")?;
    }
    let mut guard = TerminalGuard::enter().context("cannot open the terminal")?;
    let result = event_loop(&mut app, &mut guard, &stop);
    // Whatever ended the loop (quit, signal, a terminal that went away), keep the typing.
    app.save_draft_now();
    result
}

/// Keys are read on their own thread and handed over a channel, so the loop below wakes
/// at least twice a second whatever the terminal does: to write the draft, to notice a
/// signal, and to notice that the terminal has gone. (When a pty is hung up, crossterm's
/// reader spins on end-of-file and never returns; the desk must not spin with it.)
fn event_loop(
    app: &mut App,
    guard: &mut TerminalGuard,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<()> {
    use std::sync::mpsc::{RecvTimeoutError, channel};
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
    let mut redraw = true;
    loop {
        if redraw {
            crate::ui::draw(app, &mut guard.terminal)?;
        }
        redraw = true;
        match rx.recv_timeout(std::time::Duration::from_millis(500)) {
            Ok(Event::Key(k)) => app.handle_key(k),
            Ok(Event::Paste(s)) => app.handle_paste(&s),
            Ok(Event::Resize(..)) => {}
            Ok(_) => redraw = false,
            Err(RecvTimeoutError::Timeout) => {
                app.tick();
                if terminal_gone() {
                    tracing::info!("terminal gone; draft kept");
                    break;
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                tracing::info!("terminal input ended; draft kept");
                break;
            }
        }
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            tracing::info!("stopped by signal; draft kept");
            break;
        }
        if app.should_quit {
            break;
        }
    }
    Ok(())
}

/// Whether the controlling terminal has been hung up (SSH link dropped, window closed).
fn terminal_gone() -> bool {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .is_err()
}

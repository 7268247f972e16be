use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = dutydesk::cli::Cli::parse();
    if cli.command.is_some() {
        // A command's output piped into `head` ends it quietly when the pipe closes, as
        // for any Unix tool (Rust ignores SIGPIPE and would panic in println! instead).
        #[cfg(unix)]
        // SAFETY: restoring the default disposition before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    match dutydesk::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            dutydesk::terminal::restore_if_raw();
            // Errors may quote the data (a name in a bad row): nothing in it is obeyed.
            let said = format!("{e:#}");
            eprintln!(
                "dutydesk: {}",
                dutydesk::report::safe::terminal(&said, true)
            );
            std::process::ExitCode::FAILURE
        }
    }
}

use clap::{CommandFactory, FromArgMatches};

/// The arguments, with help and errors in the officer's language (Chinese unless
/// `--lang en` or an English locale).
fn parse() -> Result<dutydesk::cli::Cli, std::process::ExitCode> {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = dutydesk::cli::zh::lang_of(&args);
    let mut cmd = dutydesk::cli::Cli::command();
    if lang == dutydesk::i18n::Lang::Zh {
        cmd = dutydesk::cli::zh::localize(cmd);
    }
    let matches = cmd.try_get_matches_from(args).map_err(|e| {
        use clap::error::ErrorKind;
        if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
            let _ = e.print();
            return std::process::ExitCode::SUCCESS;
        }
        eprintln!("dutydesk: {}", dutydesk::cli::zh::error_message(&e, lang));
        std::process::ExitCode::from(2)
    })?;
    dutydesk::cli::Cli::from_arg_matches(&matches).map_err(|e| {
        eprintln!("dutydesk: {}", dutydesk::cli::zh::error_message(&e, lang));
        std::process::ExitCode::from(2)
    })
}

fn main() -> std::process::ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if cli.command.is_some() {
        // A command's output piped into `head` ends it quietly when the pipe closes, as
        // for any Unix tool (Rust ignores SIGPIPE and would panic in println! instead).
        #[cfg(unix)]
        // SAFETY: restoring the default disposition before any thread is started.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    let lang = cli.global.lang;
    match dutydesk::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            dutydesk::terminal::restore_if_raw();
            // Errors may quote the data (a name in a bad row): nothing in it is obeyed.
            let said = dutydesk::words::error_in(&e, lang);
            eprintln!(
                "dutydesk: {}",
                dutydesk::report::safe::terminal(&said, true)
            );
            std::process::ExitCode::FAILURE
        }
    }
}

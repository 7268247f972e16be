use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = dutydesk::cli::Cli::parse();
    match dutydesk::cli::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            dutydesk::terminal::restore_if_raw();
            eprintln!("dutydesk: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

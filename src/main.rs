//! The `baogao` binary: parse arguments, run the command, map errors to exit codes
//! (0 success, 2 bad usage or query, 1 anything else).

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = baogao::cli::Cli::parse_with_exclusions();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result =
        baogao::cli::run(cli, &mut out).and_then(|()| out.flush().map_err(anyhow::Error::from));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("baogao: error: {error:#}");
            let usage = error
                .downcast_ref::<baogao::Error>()
                .is_some_and(baogao::Error::is_usage);
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// `baogao search … | head` closing the pipe early is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || cause
                .downcast_ref::<baogao::Error>()
                .is_some_and(baogao::Error::is_broken_pipe)
    })
}

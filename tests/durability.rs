//! The index survives what happens to unattended systems: a build killed with SIGKILL at any
//! moment, files synced in the order that makes the switch atomic on disk (checked with strace),
//! and a disk that fills up half way (a small tmpfs in a mount namespace of its own). After each,
//! the last good generation answers searches and the next build succeeds and cleans up.
//! strace and unshare-as-root are what CI has (`.ci/run`); elsewhere those two tests say they
//! are skipped.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::util::Workspace;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus")
}

/// Generation directories under the workspace's index.
fn generations(workspace: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(workspace.path().join("index"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("gen-"))
        .collect();
    names.sort();
    names
}

/// xorshift64*: enough randomness for kill times, reproducible from the logged seed.
struct Random(u64);

impl Random {
    fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % bound.max(1)
    }
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_last_good_index_searchable() {
    let workspace = Workspace::with_seed();
    let corpus = corpus_dir();
    let small: Vec<&str> = vec!["index", "reports", "--quiet"];
    let large: Vec<&str> = vec!["index", "reports", corpus.to_str().unwrap(), "--quiet"];
    // How long a whole build takes here, to spread the kills over it.
    let started = Instant::now();
    workspace.ok(&large);
    let build_micros = started.elapsed().as_micros() as u64;
    workspace.ok(&small);

    let seed = std::env::var("BAOGAO_KILL_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
                | 1
        });
    eprintln!("kill test: seed {seed} (set BAOGAO_KILL_SEED={seed} to repeat)");
    let mut random = Random(seed);
    let mut killed = 0;
    for round in 0..12 {
        let args = if round % 2 == 0 { &large } else { &small };
        let delay = Duration::from_micros(random.below(build_micros + build_micros / 4));
        let mut build = Command::new(env!("CARGO_BIN_EXE_baogao"))
            .args(args)
            .current_dir(workspace.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = build.kill();
        let status = build.wait().unwrap();
        killed += usize::from(status.code().is_none());
        let context = format!("seed {seed}, round {round}, killed after {delay:?} ({status})");
        let results = workspace.search("华勤", &[]);
        let total = results["total"].as_u64().unwrap();
        assert!(total >= 2, "{context}: {total} hits for 华勤");
        let verified = workspace.run(&["verify"]);
        assert!(
            verified.status.success(),
            "{context}: {}",
            String::from_utf8_lossy(&verified.stderr)
        );
    }
    assert!(killed > 0, "seed {seed}: every build ended before its kill");
    // The next build succeeds and leaves no half-written generation behind.
    workspace.ok(&large);
    workspace.ok(&small);
    let left = generations(&workspace);
    assert!(left.len() <= 2, "seed {seed}: generations left: {left:?}");
    let results = workspace.search("华勤", &[]);
    assert_eq!(results["total"], 2);
}

/// Whether a tool the test needs is here; under CI it must be (`.ci/run` installs it).
fn available(tool: &str, probe: &[&str]) -> bool {
    let found = Command::new(tool)
        .args(probe)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must provide {tool} {probe:?} (see .ci/run)"
        );
        eprintln!("skipped: {tool} {probe:?} does not run here");
    }
    found
}

#[test]
fn a_build_syncs_its_files_then_its_directory_then_switches_current() {
    if !available("strace", &["-e", "trace=none", "true"]) {
        return;
    }
    let workspace = Workspace::with_seed();
    let trace = workspace.path().join("strace.txt");
    let corpus = corpus_dir();
    let status = Command::new("strace")
        .args([
            "-f",
            "-y",
            "-e",
            "trace=fsync,fdatasync,rename,renameat,renameat2",
            "-o",
        ])
        .arg(&trace)
        .arg(env!("CARGO_BIN_EXE_baogao"))
        .args(["index", "reports", corpus.to_str().unwrap(), "--quiet"])
        .current_dir(workspace.path())
        .status()
        .unwrap();
    assert!(status.success());
    let trace = std::fs::read_to_string(trace).unwrap();
    let index = workspace.path().join("index").canonicalize().unwrap();
    let index = index.to_string_lossy();
    let generation = crate::util::current_generation(Path::new(&*index));
    let generation = generation.to_string_lossy();
    // The line of the first call that matches, in the order of the trace.
    let first = |what: &str, matches: &dyn Fn(&str) -> bool| -> usize {
        trace
            .lines()
            .position(matches)
            .unwrap_or_else(|| panic!("no {what} in the trace:\n{trace}"))
    };
    let synced = |path: String| {
        move |line: &str| line.contains("fsync(") && line.contains(&format!("<{path}>"))
    };
    let own_files = ["texts.dict", "catalog.bin", "checksums.json"]
        .map(|file| first(file, &synced(format!("{generation}/{file}"))));
    let directory = first(
        "the generation directory's sync",
        &synced(generation.to_string()),
    );
    let current_tmp = first(
        "CURRENT.tmp's sync",
        &synced(format!("{index}/CURRENT.tmp")),
    );
    let rename = first("the rename of CURRENT.tmp", &|line: &str| {
        line.contains("rename") && line.contains("CURRENT.tmp") && line.contains("CURRENT\"")
    });
    let root = trace
        .lines()
        .enumerate()
        .skip(rename)
        .position(|(_, line)| line.contains("fsync(") && line.contains(&format!("<{index}>")))
        .map(|after| rename + after)
        .unwrap_or_else(|| panic!("no sync of {index} after the rename:\n{trace}"));
    for (file, line) in ["texts.dict", "catalog.bin", "checksums.json"]
        .iter()
        .zip(own_files)
    {
        assert!(line < directory, "{file} synced after its directory");
    }
    assert!(directory < current_tmp && current_tmp < rename && rename < root);
}

#[test]
fn a_full_disk_fails_the_build_cleanly_and_keeps_the_last_good_index() {
    if !available("unshare", &["-m", "true"]) {
        return;
    }
    let workspace = Workspace::with_seed();
    let binary = env!("CARGO_BIN_EXE_baogao");
    let corpus = corpus_dir();
    let disk = workspace.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    // In a mount namespace of its own, a small tmpfs holds an index of the seed; indexing 20 more
    // reports into it runs out of space. Sizes: room for the seed's index and part of the larger.
    let mut ran_out = 0;
    for kilobytes in [600, 900, 1400] {
        let script = format!(
            r#"set -u
mount -t tmpfs -o size={kilobytes}k tmpfs "{disk}"
"{binary}" index reports --index "{disk}/index" --quiet || exit 90
"{binary}" index reports "{corpus}" --index "{disk}/index" --quiet 2> "{disk}/stderr.txt"
echo "exit=$?"
cat "{disk}/stderr.txt"
"{binary}" search 华勤 --index "{disk}/index" --format json > "{disk}/search.json" && echo "search=ok"
grep -c citation "{disk}/search.json"
"{binary}" verify --index "{disk}/index" > /dev/null && echo "verify=ok"
"{binary}" index reports --index "{disk}/index" --quiet && echo "rebuild=ok"
ls "{disk}/index" | grep -c '^gen-' | sed 's/^/generations=/'
"#,
            disk = disk.display(),
            corpus = corpus.display(),
        );
        let output = Command::new("unshare")
            .args(["-m", "--propagation", "private", "sh", "-c", &script])
            .current_dir(workspace.path())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let context = format!(
            "{kilobytes} KB:\n{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_ne!(output.status.code(), Some(90), "{context}");
        if stdout.contains("exit=0") {
            // Everything fitted at this size: nothing to check but that all is well.
            assert!(stdout.contains("verify=ok"), "{context}");
            continue;
        }
        ran_out += 1;
        eprintln!("{context}");
        assert!(stdout.contains("exit=1"), "{context}");
        assert!(stdout.contains("No space left on device"), "{context}");
        assert!(!stdout.contains("panicked"), "{context}");
        assert!(
            stdout.contains("search=ok") && stdout.contains("verify=ok"),
            "{context}"
        );
        assert!(stdout.contains("rebuild=ok"), "{context}");
        assert!(
            stdout.contains("generations=1") || stdout.contains("generations=2"),
            "{context}"
        );
    }
    assert!(ran_out > 0, "no size was small enough to fill up");
}

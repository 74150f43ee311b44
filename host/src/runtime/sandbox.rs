//! The WASI sandbox of one store: nothing inherited, deterministic clocks
//! and randomness, guest stderr kept in a small buffer for trap messages.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{SeedableRng, TryRng};
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::{
    HostMonotonicClock, HostWallClock, ResourceTable, WasiCtx, WasiCtxBuilder, WasiCtxView,
    WasiView,
};

use super::limits::{Limits, MemoryLimiter};
use super::memory::MemoryBudget;

/// Wall-clock time every call starts at: 2000-01-01T00:00:00Z.
pub const FIXED_WALL_CLOCK_EPOCH: Duration = Duration::from_secs(946_684_800);
/// How much the deterministic clocks advance on every read.
pub const CLOCK_STEP: Duration = Duration::from_micros(1);
/// Seed of `wasi:random/random` (reset at every call).
pub const SECURE_RANDOM_SEED: u64 = 0x6772_6163_655f_7365; // "grace_se"
/// Seed of `wasi:random/insecure` (reset at every call).
pub const INSECURE_RANDOM_SEED: u64 = 0x6772_6163_655f_696e; // "grace_in"
/// Value of `wasi:random/insecure-seed`.
pub const INSECURE_SEED: u128 = 0x6772_6163_655f_7365_6564_0000_0000_0001;
const STDERR_TAIL_BYTES: usize = 8 * 1024;

/// A clock that starts at a fixed point and advances by [`CLOCK_STEP`] per read.
#[derive(Clone, Default)]
struct StepClock {
    reads: Arc<AtomicU64>,
}

impl StepClock {
    fn next(&self) -> Duration {
        let n = self.reads.fetch_add(1, Ordering::Relaxed);
        CLOCK_STEP * (n.min(u32::MAX as u64) as u32)
    }

    fn reset(&self) {
        self.reads.store(0, Ordering::Relaxed);
    }
}

impl HostWallClock for StepClock {
    fn resolution(&self) -> Duration {
        CLOCK_STEP
    }

    fn now(&self) -> Duration {
        FIXED_WALL_CLOCK_EPOCH + self.next()
    }
}

impl HostMonotonicClock for StepClock {
    fn resolution(&self) -> u64 {
        CLOCK_STEP.as_nanos() as u64
    }

    fn now(&self) -> u64 {
        self.next().as_nanos() as u64
    }
}

/// A seeded ChaCha (`StdRng`) generator whose state can be reset between calls.
#[derive(Clone)]
struct SeededRng {
    seed: u64,
    rng: Arc<Mutex<StdRng>>,
}

impl SeededRng {
    fn new(seed: u64) -> Self {
        SeededRng {
            seed,
            rng: Arc::new(Mutex::new(StdRng::seed_from_u64(seed))),
        }
    }

    fn reset(&self) {
        *self.rng.lock().unwrap_or_else(|p| p.into_inner()) = StdRng::seed_from_u64(self.seed);
    }

    fn with<R>(&mut self, f: impl FnOnce(&mut StdRng) -> R) -> R {
        f(&mut self.rng.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl TryRng for SeededRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.with(|r| r.try_next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.with(|r| r.try_next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.with(|r| r.try_fill_bytes(dst))
    }
}

/// Guest stderr: keeps only the last few KiB, never fails a write.
#[derive(Clone, Default)]
pub(crate) struct StderrTail {
    buf: Arc<Mutex<VecDeque<u8>>>,
}

impl StderrTail {
    fn push(&self, bytes: &[u8]) {
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        buf.extend(bytes);
        let excess = buf.len().saturating_sub(STDERR_TAIL_BYTES);
        buf.drain(..excess);
    }

    /// Takes the buffered text (lossy UTF-8), leaving the buffer empty.
    pub(crate) fn take(&self) -> String {
        let mut buf = self.buf.lock().unwrap_or_else(|p| p.into_inner());
        let bytes: Vec<u8> = buf.drain(..).collect();
        String::from_utf8_lossy(&bytes).trim().to_string()
    }
}

impl IsTerminal for StderrTail {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for StderrTail {
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl tokio::io::AsyncWrite for StderrTail {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The data of one store: WASI context, limits and per-call bookkeeping.
pub struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
    /// Wall-time instant after which the running call is interrupted.
    pub(crate) deadline: Instant,
    /// Set by the epoch callback when it interrupted the call.
    pub(crate) timed_out: bool,
    pub(crate) stderr: StderrTail,
    clock: StepClock,
    secure_rng: SeededRng,
    insecure_rng: SeededRng,
}

impl HostState {
    /// A fresh sandbox: no env, args, preopens, stdin, stdout or network;
    /// its linear memory drawn from `budget`.
    pub(crate) fn new(limits: &Limits, budget: Arc<MemoryBudget>) -> Self {
        let clock = StepClock::default();
        let secure_rng = SeededRng::new(SECURE_RANDOM_SEED);
        let insecure_rng = SeededRng::new(INSECURE_RANDOM_SEED);
        let stderr = StderrTail::default();
        // WasiCtxBuilder::new() starts empty: stdin closed, stdout discarded,
        // no env, no args, no preopens. Only the explicit settings below apply.
        let wasi = WasiCtxBuilder::new()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .socket_addr_check(|_, _| Box::pin(async { false }))
            .wall_clock(clock.clone())
            .monotonic_clock(clock.clone())
            .secure_random(secure_rng.clone())
            .insecure_random(insecure_rng.clone())
            .insecure_random_seed(INSECURE_SEED)
            .build();
        HostState {
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(limits.memory_bytes, budget),
            deadline: Instant::now() + limits.deadline,
            timed_out: false,
            stderr,
            clock,
            secure_rng,
            insecure_rng,
        }
    }

    /// Resets clocks, randomness and flags so every call starts from the same state.
    pub(crate) fn prepare_call(&mut self, limits: &Limits) {
        self.clock.reset();
        self.secure_rng.reset();
        self.insecure_rng.reset();
        self.stderr.take();
        self.limiter.max_bytes = limits.memory_bytes;
        self.limiter.refused = None;
        self.timed_out = false;
        self.deadline = Instant::now() + limits.deadline;
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

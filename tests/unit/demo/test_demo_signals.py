"""How the demo hears Ctrl-C, SIGTERM and SIGHUP: as KeyboardInterrupt, whatever it inherited."""

from __future__ import annotations

import os
import signal

import pytest

from pipeline.demo.session import _signals_interrupt


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_demo_even_when_started_with_it_ignored(number: int) -> None:
    # A background job (`make demo &`, nohup) starts with SIGINT ignored, and Python then installs no
    # handler for it: without its own, the demo would sit through Ctrl-C and `kill -INT`.
    previous = signal.signal(number, signal.SIG_IGN)
    try:
        with pytest.raises(KeyboardInterrupt), _signals_interrupt():
            os.kill(os.getpid(), number)
        assert signal.getsignal(number) == signal.SIG_IGN, "the disposition it had is restored"
    finally:
        signal.signal(number, previous)

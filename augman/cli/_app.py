"""The Typer app and what every command shares: consoles, the error boundary, options.

Only the ``augman.cli`` package imports typer. Commands parse options, call one
``augman.api`` function, hand the result to a reporter or sink, and pick the exit code.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated, TextIO

import typer

from augman.cli._commands import AugmanGroup
from augman.cli._console import print_error as print_error  # re-exported for the commands
from augman.cli._console import stderr_console as stderr_console
from augman.cli._console import stdout_console as stdout_console
from augman.errors import AugmanError, UsageError
from augman.inputs.sources import Source
from augman.version import __version__

app = typer.Typer(
    name="augman",
    cls=AugmanGroup,
    help="Validate, reshape, inspect and stream SageMaker augmented manifest files.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # credentials can be in scope
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode="rich",
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141
EXIT_TERMINATED = 143


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"augman {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _augman(
    version: bool = typer.Option(
        False, "--version", is_eager=True, callback=_print_version,
        help="Print augman's version (augman X.Y.Z) and exit.",
    ),
) -> None:  # fmt: skip
    """Options of ``augman`` itself, before the command."""


PROGRESS_AFTER = 1.0  # seconds before a progress bar shows


class _Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, so that FIFOs and temporary files go."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


@contextlib.contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """SIGTERM (``timeout``, supervisors) cleans up and exits 143, as Ctrl-C exits 130."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can set a handler (a library caller's thread)
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    except _Terminated:
        stderr_console().print("augman: terminated", markup=False)
        raise typer.Exit(EXIT_TERMINATED) from None
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def error_boundary() -> Iterator[None]:
    """Turn run problems into a message on stderr and an exit code, never a traceback.

    SIGTERM unwinds like Ctrl-C (exit 143), so that temp files and FIFOs are removed.
    """
    with _sigterm_as_exit(), _errors_reported():
        yield


@contextlib.contextmanager
def _errors_reported() -> Iterator[None]:
    try:
        yield
    except AugmanError as exc:
        fail(exc.message, exc.hint, exc.exit_code)
    except KeyboardInterrupt:
        stderr_console().print("augman: interrupted", markup=False)
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        silence_stdout()
        raise typer.Exit(EXIT_BROKEN_PIPE) from None


def fail(message: str, hint: str | None = None, code: int = EXIT_ERROR) -> None:
    """Print ``augman: error: message`` (and the hint) on stderr and exit with ``code``."""
    print_error(message, hint)
    raise typer.Exit(code)


def _is_terminal(stream: TextIO | None) -> bool:
    """True when ``stream`` is a terminal (False for a closed or missing one)."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):
        return False


def say(text: str) -> None:
    """One line for people on stderr."""
    stderr_console().print(text, markup=False, highlight=False, soft_wrap=True)


def waiting_for_reader() -> Callable[[Path], None] | None:
    """The FIFO sinks' ``on_wait``: say what augman waits for, when stderr is a terminal."""
    if not _is_terminal(sys.stderr):
        return None
    return lambda path: say(f"augman: waiting for a reader on {path} (Ctrl-C to stop)")


def tell_if_reading_the_terminal(sources: Iterable[str], what: str = "the manifest") -> None:
    """Before ``-`` waits for someone to type (stdin is a terminal), say so on stderr.

    Only when stderr is a terminal too: a person is there to read it.
    """
    if "-" in sources and _is_terminal(sys.stdin) and _is_terminal(sys.stderr):
        say(f"augman: reading {what} from the terminal; end with Ctrl-D")


def silence_stdout() -> None:
    """After a closed stdout (``| head``), point fd 1 at /dev/null so the exit flush is quiet.

    This is what the Python ``signal`` documentation recommends instead of
    restoring SIGPIPE's default action.
    """
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def parse_attrs(text: str | None) -> list[str] | None:
    """``--attrs a,b`` as a list, in order; ``None`` when not given."""
    if text is None:
        return None
    names = [name.strip() for name in text.split(",")]
    if any(not name for name in names):
        raise UsageError(
            f"--attrs {text!r} has an empty name",
            "write names separated by commas: --attrs source-ref,class",
        )
    return names


@contextlib.contextmanager
def progress_for(source: Source) -> Iterator[None]:
    """A transient progress bar on stderr while ``source`` is read, on a terminal only.

    It appears only once a run has taken ``PROGRESS_AFTER`` seconds: a quick run
    prints nothing on stderr at all.
    """
    if not sys.stderr.isatty() or os.environ.get("AUGMAN_NO_PROGRESS"):
        yield
        return
    from rich.progress import (  # only on a terminal: rich.progress is slow to import
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )  # fmt: skip

    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
        console=stderr_console(), transient=True,
    )  # fmt: skip
    task = progress.add_task(source.name, total=source.size)
    done = threading.Event()

    def poll() -> None:
        if done.wait(PROGRESS_AFTER):
            return
        with progress:
            while not done.wait(0.2):
                with contextlib.suppress(Exception):  # a closed file at the very end
                    progress.update(task, completed=source.bytes_read())

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


# Options that several commands share, declared once (Typer reads them from Annotated).
Manifest = Annotated[
    str,
    typer.Argument(
        metavar="MANIFEST", help="A manifest path, - for stdin, or s3://bucket/key (.gz detected)."
    ),
]
EndpointUrl = Annotated[
    str | None,
    typer.Option(
        "--endpoint-url",
        help="S3-compatible endpoint, e.g. http://127.0.0.1:9000 (default: AWS, or AWS_ENDPOINT_URL).",
    ),
]
Region = Annotated[
    str | None,
    typer.Option("--region", help="AWS region for S3 requests (default: the AWS configuration)."),
]
Profile = Annotated[
    str | None,
    typer.Option(
        "--profile",
        help="AWS profile from ~/.aws/config (default: AWS_PROFILE or the default profile).",
    ),
]
MaxLineBytes = Annotated[
    int,
    typer.Option(
        "--max-line-bytes",
        min=1,
        metavar="N",
        help="A longer line (newline not counted) is an error, AM115, read past without being "
        "held in memory. Default: 64 MiB (67108864).",
    ),
]
Attrs = Annotated[
    str | None,
    typer.Option(
        "--attrs",
        "-a",
        metavar="NAME,...",
        help="AttributeNames, comma-separated, in the channel's order: source-ref,class.",
    ),
]

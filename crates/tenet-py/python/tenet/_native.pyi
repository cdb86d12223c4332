"""Type stubs for the native module (crates/tenet-py/src/lib.rs). Use ``tenet.Engine``."""

from typing import Optional, Union

__version__: str
DEFAULT_NAME: str

Param = tuple[str, str, tuple[int, int], tuple[int, int]]
State = tuple[int, list[tuple[str, str, bool]], Optional[tuple[str, str, list[Param]]]]

class NativeEngine:
    """Checked, compiled policies and the sources they came from."""

    @staticmethod
    def from_paths(paths: list[str], std: bool) -> NativeEngine: ...
    @staticmethod
    def from_project(dir: str) -> NativeEngine: ...
    @staticmethod
    def from_state(state: State) -> NativeEngine: ...
    def state(self) -> State: ...
    @property
    def digest(self) -> str: ...
    def obligations(self) -> list[str]: ...
    def files(self) -> list[str]: ...
    def evaluate_json(
        self,
        texts: list[Union[str, bytes]],
        names: list[str],
        today: str,
        format: Optional[str] = None,
        kind: Optional[str] = None,
        explain: str = "failing",
        jobs: int = 1,
    ) -> list[str]: ...
    def evaluate_rows(
        self,
        texts: list[Union[str, bytes]],
        names: list[str],
        today: str,
        format: Optional[str] = None,
        kind: Optional[str] = None,
        explain: str = "failing",
        jobs: int = 1,
    ) -> bytes: ...

def engines_compiled() -> int: ...

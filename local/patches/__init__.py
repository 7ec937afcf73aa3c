"""One module per emulator gap of moto 5.2.1, each with `install() -> None`.

The launcher (local/moto_server_5_2_1.py) installs them in the order of its PATCHES list; a new
patch is a new module here plus one line in that list, a row in local/README.md and a test in
test/local/patches/. Modules import moto only inside install(), after the launcher has checked
moto's version."""

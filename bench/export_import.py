"""Export and import rates against the upload rate measured in the same run.

    .venv/bin/python -m bench.export_import [--count 10000] [--uploads 1000] [--size-kb 20]

Distinct PDFs (bench/upload_throughput.py's generator) are uploaded through a fresh instance's
real `serve` process, one client, no worker: the baseline, in documents per second (`--uploads`
of them; a rate per document, so fewer than --count serve). Then --count legacy PDFs (the same
files, each made distinct by a trailing PDF comment naming its number), as a folder and a CSV
manifest, are imported into a second fresh instance with OCR off (`python -m docflow import-legacy
manifest.csv`, its check of every row and file included). That instance of --count letters is
exported whole (`python -m docflow export DIR`) and as one BagIt package of every letter
(`package_stream`, the code behind GET /api/v1/documents/{id}/package and POST /api/v1/packages,
written to a file, then checked with `verify-package`), and the export is imported into a third
fresh instance (`python -m docflow import DIR`, index rebuild included). Commands are timed from
the outside, process start included. Each figure is documents / seconds and its ratio to the
upload rate of the same run.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    ServeInstance,
    format_table,
    machine_info,
    make_workdir,
    setup_logging,
    write_results,
)
from bench.synthetic import UNITS
from bench.upload_throughput import make_pdfs, upload_run

logger = logging.getLogger(__name__)


def _timed_cli(instance: ServeInstance, *args: str, stdin: str | None = None) -> float:
    started = time.perf_counter()
    instance.cli(*args, stdin=stdin, timeout=7200)
    return time.perf_counter() - started


def _package_all(instance_dir: Path, target: Path) -> tuple[float, int]:
    from docflow.config import load_settings
    from docflow.documents.models import Document
    from docflow.export.package import package_stream
    from docflow.services import Services
    from sqlalchemy import select

    services = Services.from_settings(load_settings(overrides={"server": {"instance_dir": str(instance_dir)}},
                                                    environ={}))
    try:
        with services.db.session() as session:
            ids = list(session.scalars(select(Document.id).order_by(Document.id)))
        started = time.perf_counter()
        with target.open("wb") as out:
            for chunk in package_stream(services.db, services.store, ids, tz=services.timezone, trust=None,
                                        source="bench"):
                out.write(chunk)
        return time.perf_counter() - started, len(ids)
    finally:
        services.close()


def _legacy_archive(pdfs, folder: Path) -> Path:
    folder.mkdir(parents=True)
    lines = ["number,date,type,classification,unit,sender,security_class,file,title"]
    for i, pdf in enumerate(pdfs, 1):
        name = f"{i // 1000:03d}/naskah-{i:06d}.pdf"
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_bytes(pdf.data)
        day = f"2015-{1 + i % 12:02d}-{1 + i % 28:02d}"
        title = pdf.title.replace('"', "'")
        lines.append(f'800/{i}/DISKOMINFO/2015,{day},nota_dinas,000,DISKOMINFO,Kepala Dinas,biasa,{name},"{title}"')
    manifest = folder / "manifest.csv"
    manifest.write_text("\n".join(lines) + "\n")
    return manifest


def _fresh(instance_dir: Path, *, ocr: bool = True) -> ServeInstance:
    instance = ServeInstance(instance_dir, log_level="WARNING")
    if not ocr:
        instance.env["DOCFLOW_EXTRACTION__OCR"] = "false"
    return instance


def run(count: int, size_kb: int, uploads: int = 1000, keep: bool = False) -> dict[str, Any]:
    """Run every measurement once and return the results."""
    workdir = make_workdir("export")
    try:
        uploads = min(uploads, count)
        pdfs = make_pdfs(uploads, size_kb * 1000)
        info = machine_info(workdir)
        logger.info("uploading %d PDFs over HTTP (the baseline)", uploads)
        upload = upload_run(pdfs, workdir / "upload", 1)
        shutil.rmtree(workdir / "upload", ignore_errors=True)
        rate = upload["docs_per_s"]
        letters = [_Pdf(pdfs[i % uploads].title, pdfs[i % uploads].data + f"\n% naskah {i}\n".encode())
                   for i in range(count)]
        total_mb = sum(len(p.data) for p in letters) / 1e6
        logger.info("importing %d legacy PDFs (%.1f MB) with OCR off", count, total_mb)
        manifest = _legacy_archive(letters, workdir / "arsip")
        del letters
        source_dir = workdir / "legacy"
        source = _fresh(source_dir, ocr=False)
        source.cli("init")
        source.cli("unit", "create", UNITS[7][0], UNITS[7][1])
        source.cli("user", "create", "admin", "--role", "admin", "--unit", UNITS[7][0], stdin="bench-password-123\n")
        legacy_s = _timed_cli(source, "import-legacy", str(manifest))
        shutil.rmtree(workdir / "arsip", ignore_errors=True)
        export_dir = workdir / "export"
        logger.info("exporting the instance")
        export_s = _timed_cli(source, "export", str(export_dir))
        logger.info("packaging every letter as one BagIt ZIP")
        package_s, packaged = _package_all(source_dir, workdir / "paket.zip")
        logger.info("checking the package offline")
        verify_s = _timed_cli(source, "verify-package", str(workdir / "paket.zip"))
        (workdir / "paket.zip").unlink()
        logger.info("importing the export into a fresh instance")
        target = _fresh(workdir / "target")
        import_s = _timed_cli(target, "import", str(export_dir))
        if packaged != count:
            raise RuntimeError(f"the package holds {packaged} letters, not {count}")
        rows = {}
        for name, seconds in (("legacy import, OCR off (check + import)", legacy_s),
                              ("instance export (python -m docflow export)", export_s),
                              ("BagIt package of every letter (streamed ZIP to a file)", package_s),
                              ("verify-package of that ZIP", verify_s),
                              ("instance import into an empty instance, index rebuilt", import_s)):
            rows[name] = {"seconds": round(seconds, 1), "docs_per_s": round(count / seconds, 1),
                          "ratio_to_upload": round(count / seconds / rate, 2)}
        return {"count": count, "uploads": uploads, "size_kb": size_kb, "total_mb": round(total_mb, 1),
                "machine": info, "load_average": os.getloadavg(), "upload": upload, "results": rows}
    finally:
        if keep:
            logger.info("kept %s", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


@dataclass(frozen=True)
class _Pdf:
    title: str
    data: bytes


def render(results: dict[str, Any]) -> str:
    """Return the results as a table."""
    upload = results["upload"]
    rows = [[f"upload over HTTP, 1 client ({results['uploads']} letters; the baseline)", upload["seconds"],
             upload["docs_per_s"], 1.0]]
    rows += [[name, r["seconds"], r["docs_per_s"], r["ratio_to_upload"]] for name, r in results["results"].items()]
    return (f"{results['count']} letters, {results['total_mb']} MB\n"
            + format_table(["what", "seconds", "docs/s", "x upload"], rows)
            + f"\nload average at the end: {', '.join(f'{x:.1f}' for x in results['load_average'])}")


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--uploads", type=int, default=1000, help="Letters uploaded for the baseline rate.")
    parser.add_argument("--size-kb", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="Keep the scratch folder.")
    parser.add_argument("--no-save", action="store_true", help="Do not write bench/results/export_import.json.")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    setup_logging(args.verbose)
    results = run(args.count, args.size_kb, uploads=args.uploads, keep=args.keep)
    if not args.no_save:
        write_results("export_import", results)
    print(render(results))


if __name__ == "__main__":
    main()

"""Fixture throughput: images pushed per second through the image factory.

Pushes N images of L layers into one repository through ``ImageFactory`` (the code
behind ``ecr_image_factory``), against in-process moto and against a moto server,
and prints images per second and milliseconds per image. Plain Python with
``time.perf_counter``; not a test.

    python bench/push_images.py [--images 50] [--layers 3] [--layer-size 1024]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import botocore

from pytest_ecr.resources import ImageFactory, Ledger, Namer, RepositoryFactory
from pytest_ecr.settings import EcrSettings
from pytest_ecr.targets import MotoServerTarget, MotoTarget, Target


def run(target: Target, images: int, layers: int, layer_size: int) -> dict[str, float]:
    target.start()
    try:
        client = target.client()
        ledger = Ledger()
        repo = RepositoryFactory(client, Namer(), ledger, target.region).create("bench")
        factory = ImageFactory(client, ledger)
        started = time.perf_counter()
        for n in range(images):
            factory.push(repo, tags=[f"t{n}"], layers=layers, layer_size=layer_size, seed=n)
        elapsed = time.perf_counter() - started
        ledger.close()
        client.close()
    finally:
        target.stop()
    return {
        "seconds": round(elapsed, 3),
        "images_per_second": round(images / elapsed, 1),
        "ms_per_image": round(1000 * elapsed / images, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=50)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--layer-size", type=int, default=1024)
    args = parser.parse_args()
    results = {
        "machine": platform.platform(),
        "botocore": botocore.__version__,
        "images": args.images,
        "layers": args.layers,
        "layer_size": args.layer_size,
    }
    for target in (MotoTarget(EcrSettings()), MotoServerTarget(EcrSettings(target="moto-server"))):
        results[target.name] = run(target, args.images, args.layers, args.layer_size)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Adds (or replaces) a pretrained restorer in dna's model zoo, dna-models/src/main/resources/dev/dna/models/.

usage: add_to_zoo.py NAME RESTORER.dna PROVENANCE.json "DESCRIPTION"
  copies the restorer to NAME.dna and the provenance to NAME.provenance.json (adding the restorer's SHA-256 and size to
  it), and writes the entry (file, sha256, bytes, description, provenance) into index.json, which ModelZoo checks each
  file against when it loads it.
"""
import hashlib
import json
import os
import shutil
import sys

ZOO = os.path.join(os.path.dirname(__file__), "..", "dna-models", "src", "main", "resources", "dev", "dna", "models")


def main():
    name, restorer, provenance, description = sys.argv[1:5]
    data = open(restorer, "rb").read()
    sha = hashlib.sha256(data).hexdigest()
    shutil.copyfile(restorer, os.path.join(ZOO, name + ".dna"))
    prov = json.load(open(provenance))
    prov["restorer_file"] = name + ".dna"
    prov["restorer_sha256"] = sha
    prov["restorer_bytes"] = len(data)
    with open(os.path.join(ZOO, name + ".provenance.json"), "w") as f:
        json.dump(prov, f, indent=2)
        f.write("\n")
    index_path = os.path.join(ZOO, "index.json")
    index = json.load(open(index_path))
    models = [m for m in index["models"] if m["name"] != name]
    models.append({"name": name, "file": name + ".dna", "sha256": sha, "bytes": len(data), "description": description,
                   "provenance": name + ".provenance.json"})
    index["models"] = models
    with open(index_path, "w") as f:
        json.dump(index, f, indent=2)
        f.write("\n")
    print("%s: %d bytes, sha256 %s" % (name, len(data), sha))


if __name__ == "__main__":
    main()

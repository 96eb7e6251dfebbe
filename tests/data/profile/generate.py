#!/usr/bin/env python3
"""Writes the profile fixtures: one small dataset as a tree, its `aws s3 ls --recursive` listing,
its S3 Inventory CSV (gzip, with a manifest.json) and its Athena-style result. Run from this
directory; the outputs are committed."""
import gzip, json, os, shutil, urllib.parse

OBJECTS = [
    ("train/cats/0001.jpg", 1500), ("train/cats/0002.jpg", 2500), ("train/dogs/a dog.jpg", 3100),
    ("train/dogs/0004.JPG", 900), ("val/labels.csv", 420), ("val/images/0005.png", 7000),
    ("README.md", 64),
]

shutil.rmtree("tree", ignore_errors=True)
for key, size in OBJECTS:
    os.makedirs(os.path.dirname(os.path.join("tree", key)) or "tree", exist_ok=True)
    with open(os.path.join("tree", key), "wb") as f:
        f.write(b"x" * size)

with open("listing.txt", "w") as f:
    f.write("2023-10-26 10:21:18          0 train/\n")  # a console folder marker
    for i, (key, size) in enumerate(OBJECTS):
        f.write(f"2023-10-26 10:21:{18 + i:02d} {size:>10} {key}\n")
    f.write(f"\nTotal Objects: {len(OBJECTS) + 1}\n   Total Size: {sum(s for _, s in OBJECTS)}\n")

schema = "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass"
rows = []
for key, size in OBJECTS:
    enc = urllib.parse.quote_plus(key, safe="/")
    rows.append(f'"my-bucket","{enc}","v1","true","false","{size}","2023-10-26T10:21:18.000Z","0123abcd","STANDARD"\n')
rows.append('"my-bucket","train/old.jpg","v0","false","false","5","2023-10-25T10:21:18.000Z","0123abcd","STANDARD"\n')
rows.append('"my-bucket","train/gone.jpg","v2","true","true","","2023-10-25T10:21:18.000Z","",""\n')
with gzip.GzipFile("inventory.csv.gz", "wb", mtime=0) as f:
    f.write("".join(rows).encode())
with open("manifest.json", "w") as f:
    json.dump({"sourceBucket": "my-bucket", "destinationBucket": "arn:aws:s3:::my-inventory",
               "version": "2016-11-30", "creationTimestamp": "1698315678000", "fileFormat": "CSV",
               "fileSchema": schema,
               "files": [{"key": "my-bucket/all/data/inventory.csv.gz", "size": 400, "MD5checksum": "0"}]}, f, indent=2)
    f.write("\n")

with open("bad-listing.txt", "w") as f:
    f.write("2023-10-26 10:21:18       1500 train/cats/0001.jpg\n")
    f.write("2023-10-26 10:21:18      12,5 train/cats/0002.jpg\n")
    f.write("2023/10/26 10:21:18       2500 train/cats/0003.jpg\n")

# The result Athena would give for the query of `mlscale profile --emit-athena-sql` over the same
# objects, computed here with the query's own regular expressions (rows in no particular order).
import re
EXT = re.compile(r"[^/]\.([a-z0-9]{1,10}\.(?:gz|bz2|xz|zst)|[a-z0-9]{1,10})$")
PREFIX = re.compile(r"^(?:[^/]*/){0,2}")
BOUNDS = [1000, 10**4, 10**5, 10**6, 10**7, 10**8, 10**9, 10**10, 10**11, 10**12]
def bucket(size):
    if size == 0:
        return 0
    for i, bound in enumerate(BOUNDS):
        if size < bound:
            return i + 1
    return 11
rows = [("total", "", len(OBJECTS), sum(s for _, s in OBJECTS)),
        ("small", "", len(OBJECTS), sum(s for _, s in OBJECTS)),
        ("over_single_put", "", 0, 0), ("over_max_object", "", 0, 0)]
groups = {}
for key, size in OBJECTS:
    m = EXT.search(key.lower())
    for kind, name in (("histogram", str(bucket(size))), ("extension", m.group(1) if m else ""),
                       ("prefix", PREFIX.match(key).group(0))):
        objects, total = groups.get((kind, name), (0, 0))
        groups[(kind, name)] = (objects + 1, total + size)
for (kind, name), (objects, total) in sorted(groups.items(), reverse=True):
    rows.append((kind, name, objects, total))
rows.append(("prefix_count", "2", len([k for k in groups if k[0] == "prefix"]), 0))
largest = sorted(OBJECTS, key=lambda o: (-o[1], o[0]))[0]
rows.append(("largest", largest[0], 1, largest[1]))
with open("athena-result.csv", "w") as f:
    f.write('"kind","name","objects","bytes"\n')
    for row in rows:
        f.write(",".join(f'"{v}"' for v in row) + "\n")

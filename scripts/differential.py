#!/usr/bin/python3
"""Differential harness: discscope against its peers (issue 16).

Builds images with genisoimage, xorriso, pycdlib and mkfs.fat/mtools over a
varied source tree, and cue/bin discs over them, then compares discscope's
listings, extents, symlink targets, dates, file bytes, descriptor fields and
track tables with what isoinfo, xorriso/osirrox, pycdlib, bsdtar, 7z,
mtools, sleuthkit, cd-info and chdman say about the same images. Prints a
table of checks and disagreements per oracle and exits 1 on a disagreement
that scripts/known-divergences.txt does not explain (2 when a tool is
missing or the harness itself fails).

Run through scripts/differential.sh; --fast is the slice .ci/run runs.
"""

import argparse
import fnmatch
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
STAMP = '2023-11-14T22:13:20Z'
EPOCH = 1700000000
ENV = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH), TZ='UTC', LC_ALL='C.UTF-8',
           MTOOLS_SKIP_CHECK='1')


def run(args, cwd=None, check=True, timeout=600, stdin=None):
    """Runs a tool; its stdout as bytes."""
    done = subprocess.run(args, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=timeout, input=stdin)
    if check and done.returncode != 0:
        raise RuntimeError('%s: exit %d: %s' % (' '.join(map(str, args)), done.returncode,
                                                 done.stderr.decode('utf-8', 'replace')[-2000:]))
    return done.stdout


def shown(path):
    """A path of bytes as text for reports and for matching known
    divergences: bytes that are not UTF-8 as \\xNN, as discscope shows them."""
    out = []
    for chunk in path.split(b'/'):
        try:
            out.append(chunk.decode('utf-8'))
        except UnicodeDecodeError:
            out.append(''.join(chr(b) if b < 0x80 else '\\x%02x' % b for b in chunk))
    return '/'.join(out)


# ---- known divergences and the tally ----------------------------------------

class Known:
    """scripts/known-divergences.txt: `oracle check image path why`, globs."""

    def __init__(self, path):
        self.rules = []
        with open(path, encoding='utf-8') as f:
            for number, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                parts = line.split(None, 4)
                if len(parts) < 5:
                    raise SystemExit('%s:%d: want `oracle check image path why`' % (path, number))
                self.rules.append((parts[:4], parts[4], number))

    def why(self, oracle, check, image, path):
        for (o, c, i, p), why, number in self.rules:
            if (fnmatch.fnmatchcase(oracle, o) and fnmatch.fnmatchcase(check, c)
                    and fnmatch.fnmatchcase(image, i) and fnmatch.fnmatchcase(path, p)):
                return number, why
        return None


class Tally:
    def __init__(self, known, verbose):
        self.known = known
        self.verbose = verbose
        self.report_path = None
        self.images = set()
        self.rows = defaultdict(lambda: {'images': set(), 'checks': 0, 'known': 0, 'new': 0})
        self.explained = defaultdict(int)
        self.new = []
        self.notes = []

    def check(self, oracle, image, check, path, ours, theirs):
        row = self.rows[oracle]
        row['images'].add(image)
        row['checks'] += 1
        self.images.add(image)
        if ours == theirs:
            return True
        text = shown(path) if isinstance(path, bytes) else path
        why = self.known.why(oracle, check, image, text)
        if why:
            row['known'] += 1
            self.explained[why] += 1
        else:
            row['new'] += 1
            self.new.append('%s %s %s %s: discscope %r, %s %r' % (oracle, check, image, text, ours,
                                                                   oracle, theirs))
        return False

    def note(self, text):
        self.notes.append(text)

    def report(self):
        print()
        print('%-10s %7s %9s %7s %7s' % ('oracle', 'images', 'checks', 'known', 'new'))
        total = {'checks': 0, 'known': 0, 'new': 0}
        for oracle in sorted(self.rows):
            row = self.rows[oracle]
            print('%-10s %7d %9d %7d %7d' % (oracle, len(row['images']), row['checks'], row['known'],
                                             row['new']))
            for key in total:
                total[key] += row[key]
        print('%-10s %7d %9d %7d %7d' % ('all', len(self.images), total['checks'], total['known'],
                                         total['new']))
        if self.explained:
            print('\nknown divergences seen (scripts/known-divergences.txt):')
            for (number, why), count in sorted(self.explained.items()):
                print('  line %d, %d checks: %s' % (number, count, why))
        for note in self.notes:
            print('note: %s' % note)
        if self.report_path:
            with open(self.report_path, 'w', encoding='utf-8') as f:
                f.writelines(line + '\n' for line in self.new)
        if self.new:
            print('\ndisagreements not in scripts/known-divergences.txt:')
            for line in self.new[:200]:
                print('  ' + line)
            if len(self.new) > 200:
                print('  ... and %d more' % (len(self.new) - 200))
        return 1 if self.new else 0


# ---- the source tree ----------------------------------------------------------

def make_tree(root, fast, big):
    """A tree with the names, shapes and links peers disagree on. Returns
    the trees for ISO writers and for FAT (no links, FAT-legal names)."""
    iso = os.path.join(root, 'iso')
    fat = os.path.join(root, 'fat')
    for base in (iso, fat):
        os.makedirs(base)

    def put(base, rel, data=b''):
        path = os.path.join(base.encode(), rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)

    names = [
        b'README.TXT', b'hello.txt', b'SHORT83.TXT', 'café.txt'.encode(),
        '日本語のファイル名.txt'.encode(), 'Ордер/файл.txt'.encode(), 'emoji-😀-name.txt'.encode(),
        b'with space.txt', b'two.dots.in.name.tar.gz', b'noext', b'trail.', b'.hidden',
        b'a' * 64 + b'.txt', b'b' * 100 + b'.txt', b'c' * 251 + b'.txt',
    ]
    for i, name in enumerate(names):
        data = (b'%s: %d\n' % (name, i)) * (i + 1)
        put(iso, name, data)
        if name not in (b'trail.',) and len(name) <= 240 and b'\xf0' not in name:
            put(fat, name, data)
    # A name that is not UTF-8 (Latin-1), for the writers that keep bytes.
    put(iso, b'latin1-\xe9t\xe9.txt', b'latin-1 name\n')
    for base in (iso, fat):
        put(base, b'empty')
        put(base, b'deep/l1/empty-too')
        d = b'deep'
        for level in range(1, 13):
            d += b'/l%d' % level
        put(base, d + b'/bottom.txt', b'twelve levels down\n')
        put(base, b'sizes/2048.bin', bytes(i % 251 for i in range(2048)))
        put(base, b'sizes/2049.bin', bytes(i % 253 for i in range(2049)))
        put(base, b'sizes/binary.bin', bytes((i * 7919 + 13) % 256 for i in range(100000)))
        many = 120 if fast else 3000
        for i in range(many):
            put(base, b'many/file-%05d.txt' % i, b'%d\n' % i)
    # Links of every kind (ISO only; FAT has none).
    links = os.path.join(iso, 'links')
    os.makedirs(links)
    os.symlink('../hello.txt', os.path.join(links, 'relative'))
    os.symlink('/etc/passwd', os.path.join(links, 'absolute'))
    os.symlink('nowhere/at/all', os.path.join(links, 'dangling'))
    os.symlink('../deep', os.path.join(links, 'to-dir'))
    os.symlink('relative', os.path.join(links, 'chain'))
    os.symlink('..', os.path.join(links, 'up'))
    os.symlink('self', os.path.join(links, 'self'))
    os.symlink('x/' * 60 + 'end', os.path.join(links, 'long-target'))
    os.symlink('../café.txt', os.path.join(links, 'to-utf8'))
    os.link(os.path.join(iso, 'hello.txt'), os.path.join(links, 'hard-link'))
    # A file dated past 2038 (genisoimage writes its UTC offset as -96).
    put(iso, b'dates/2040.txt', b'from the future\n')
    put(iso, b'dates/1990.txt', b'from the past\n')
    if big:
        # Over 4 GiB, sparse: a multi-extent file in ISO 9660.
        path = os.path.join(root, 'big')
        os.makedirs(path)
        with open(os.path.join(path, 'sparse.bin'), 'wb') as f:
            f.write(b'start of a big file\n')
            f.seek((4 << 30) + (3 << 20))
            f.write(b'end of a big file\n')
    for base in (iso, fat) + ((os.path.join(root, 'big'),) if big else ()):
        run(['find', base, '-exec', 'touch', '-h', '-d', STAMP, '{}', '+'])
    run(['touch', '-d', '2040-06-01T00:00:00Z', os.path.join(iso, 'dates/2040.txt')])
    run(['touch', '-d', '1990-01-02T03:04:05Z', os.path.join(iso, 'dates/1990.txt')])
    return iso, fat


# ---- image builders -------------------------------------------------------------

def genisoimage(out, tree, options):
    # Joliet needs every name in the input character set: a Latin-1 name is
    # left out of Joliet images (genisoimage refuses it).
    skip = ['-m', 'latin1-*'] if '-J' in options else []
    run(['genisoimage', '-quiet', '-o', out, '-V', 'DIFF', '-input-charset', 'utf-8'] + skip
        + options + [tree])


def xorriso(out, tree, options, big=None):
    args = ['xorriso', '-as', 'mkisofs', '-quiet', '-o', out, '-V', 'DIFF'] + options + [tree]
    if big:
        args += ['-graft-points', '/big/=' + big]
    run(args)


def xorriso_zisofs(out, tree):
    run(['xorriso', '-report_about', 'SORRY', '-outdev', out, '-volid', 'DIFF', '-joliet', 'off',
         '-map', tree, '/', '-zisofs', 'level=9:block_size=32k', '-set_filter_r', '--zisofs',
         '/', '--', '-commit'])


def pycdlib_image(out, tree, interchange, joliet, rock_ridge):
    """pycdlib needs each name in each namespace: ISO names are made up
    (D00001, F00001.;1), Joliet names are the source's (cut to 64), Rock
    Ridge names are the source's."""
    import pycdlib
    real_time = time.time
    time.time = lambda: float(EPOCH)
    try:
        iso = pycdlib.PyCdlib()
        iso.new(interchange_level=interchange, joliet=joliet, rock_ridge=rock_ridge, vol_ident='DIFF')
        counter = [0]

        def iso_name(is_dir):
            counter[0] += 1
            return 'D%05d' % counter[0] if is_dir else 'F%05d.;1' % counter[0]

        def walk(src, iso_dir, joliet_dir, rr_dir):
            for entry in sorted(os.listdir(src)):
                full = os.path.join(src, entry)
                try:
                    text = entry.encode('utf-8', 'surrogateescape').decode('utf-8')
                except UnicodeDecodeError:
                    continue  # pycdlib keeps names as text
                is_dir = os.path.isdir(full) and not os.path.islink(full)
                name = iso_name(is_dir)
                iso_path = iso_dir.rstrip('/') + '/' + name
                kwargs = {}
                if joliet:
                    kwargs['joliet_path'] = joliet_dir.rstrip('/') + '/' + text[:64]
                if rock_ridge:
                    kwargs['rr_name'] = text
                if os.path.islink(full):
                    if not rock_ridge:
                        continue
                    iso.add_symlink(iso_path, text, os.readlink(full),
                                    joliet_path=kwargs.get('joliet_path'))
                elif is_dir:
                    iso.add_directory(iso_path, **kwargs)
                    walk(full, iso_path, kwargs.get('joliet_path', ''), '')
                else:
                    with open(full, 'rb') as f:
                        data = f.read()
                    iso.add_fp(io.BytesIO(data), len(data), iso_path, **kwargs)

        walk(tree, '/', '/', '/')
        iso.write(out)
        iso.close()
    finally:
        time.time = real_time


def fat_image(out, tree, bits, size_kib):
    run(['mkfs.fat', '--invariant', '-C', '-F', str(bits), '-n', 'DIFF', '-i', '12345678', out,
         str(size_kib)])
    entries = [os.path.join(tree, e) for e in sorted(os.listdir(tree))]
    run(['mcopy', '-s', '-m', '-i', out] + entries + ['::'])


# ---- what discscope says ------------------------------------------------------

class Discscope:
    def __init__(self, binary):
        self.binary = binary

    def listing(self, image, view, raw=False):
        args = [self.binary, 'ls', image, '-R', '--json', '--fs', view] + (['--raw-names'] if raw else [])
        out = {}
        for e in json.loads(run(args))['entries']:
            path = bytes.fromhex(e['path_bytes']) if e.get('path_bytes') else e['path'].encode()
            out[path] = e
        return out

    def extract(self, image, view, dest):
        run([self.binary, 'extract', image, '--fs', view, '-o', dest, '--unsafe-symlinks'])
        return tree_of(dest)

    def info(self, image):
        return json.loads(run([self.binary, 'info', image, '--json']))

    def tracks(self, sheet):
        return json.loads(run([self.binary, 'tracks', sheet, '--json']))['tracks']


def tree_of(root, big_limit=64 << 20):
    """path bytes → (kind, sha256 or link target, mtime) of an extracted tree."""
    out = {}
    root_b = root.encode()
    for top, dirs, files in os.walk(root_b):
        for name in dirs + files:
            full = os.path.join(top, name)
            rel = b'/' + os.path.relpath(full, root_b)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ('symlink', os.readlink(full), None)
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ('dir', None, None)
            else:
                digest = hashlib.sha256()
                if st.st_size <= big_limit:
                    with open(full, 'rb') as f:
                        digest.update(f.read())
                    value = digest.hexdigest()
                else:
                    # Big sparse files: their size and both ends.
                    with open(full, 'rb') as f:
                        head = f.read(4096)
                        f.seek(st.st_size - 4096)
                        tail = f.read(4096)
                    value = '%d:%s' % (st.st_size, hashlib.sha256(head + tail).hexdigest())
                out[rel] = ('file', value, int(st.st_mtime))
    return out


def writable(root):
    for top, dirs, _ in os.walk(root):
        for d in dirs:
            try:
                os.chmod(os.path.join(top, d), 0o755)
            except OSError:
                pass
    try:
        os.chmod(root, 0o755)
    except OSError:
        pass


# ---- oracles: ISO 9660 --------------------------------------------------------

def isoinfo_listing(image, flag):
    """`isoinfo [-R|-J] -l`: path bytes → (kind, size, lba, target)."""
    text = run(['isoinfo'] + ([flag] if flag else []) + ['-l', '-i', image], timeout=1200)
    out = {}
    directory = b'/'
    last = None
    for line in text.split(b'\n'):
        if line.startswith(b'Directory listing of '):
            directory = line[len(b'Directory listing of '):]
            last = None
            continue
        if b'[' not in line:
            continue
        head, _, tail = line.partition(b'[')
        if b']' in tail:
            inside, _, name = tail.partition(b']')
            name = name[2:] if name.startswith(b'  ') else name.lstrip()
        else:
            # isoinfo prints a multi-extent record's flags (0x80) as a
            # sign-extended FFFF and drops the bracket: `[     34 FFFF NAME`.
            parts = tail.split(None, 2)
            if len(parts) < 3:
                continue
            inside, name = parts[0] + b' ' + parts[1], parts[2]
        if name.endswith(b' '):
            name = name[:-1]
        if name in (b'.', b'..', b''):
            continue
        target = None
        if b' -> ' in name:
            name, _, target = name.partition(b' -> ')
        fields = head.split()
        kind = {'d': 'dir', 'l': 'symlink'}.get(chr(fields[0][0]), 'file')
        size = int(fields[4])
        lba = int(inside.split()[0]) & 0xFFFFFFFF
        path = directory + name
        if path == last and path in out:
            # Multi-extent: the next extent of the same file.
            k, s, l, t = out[path]
            out[path] = (k, s + size, l, t)
            continue
        out[path] = (kind, size, lba, target)
        last = path
    return out


def isoinfo_relocations(theirs):
    """isoinfo does not follow Rock Ridge relocation (CL): it lists a
    relocated directory under /rr_moved and, where it belongs, a
    placeholder it does not enter. A function that moves our paths (shown
    where the directory belongs, as Linux and xorriso show them) to where
    isoinfo lists them, and the placeholders, which have no counterpart."""
    listed_dirs = {p.rsplit(b'/', 1)[0] for p in theirs}
    placeholders = [p for p, e in theirs.items()
                    if e[0] == 'dir' and p not in listed_dirs
                    and b'/rr_moved/' + p.rsplit(b'/', 1)[1] in theirs]

    def move(path):
        for _ in range(16):
            for ph in placeholders:
                if path == ph or path.startswith(ph + b'/'):
                    path = b'/rr_moved/' + ph.rsplit(b'/', 1)[1] + path[len(ph):]
                    break
            else:
                return path
        return path
    return move, set(placeholders)


def isoinfo_descriptor(image):
    text = run(['isoinfo', '-d', '-i', image]).decode('latin-1')
    return {k.strip(): v.strip() for k, v in (l.split(':', 1) for l in text.splitlines() if ':' in l)}


def joliet_as_isoinfo(path):
    """isoinfo prints Joliet names in ISO 8859-1: other characters as `_`."""
    text = path.decode('utf-8', 'replace')
    # A character beyond UCS-2 is two UTF-16 units, so two `_`.
    return b''.join(bytes([ord(c)]) if ord(c) < 256 else b'__' if ord(c) > 0xFFFF else b'_'
                    for c in text)


def pycdlib_listing(image, namespace):
    """pycdlib's reading: path bytes → (kind, size, lba, target, mtime
    fields). Dates are the recorded fields (offset included)."""
    import pycdlib
    iso = pycdlib.PyCdlib()
    iso.open(image)
    key = {'iso9660': 'iso_path', 'joliet': 'joliet_path', 'rockridge': 'rr_path'}[namespace]
    out = {}
    try:
        for top, dirs, files in iso.walk(**{key: '/'}):
            for name in dirs + files:
                path = (top.rstrip('/') + '/' + name)
                record = iso.get_record(**{key: path})
                target = None
                kind = 'dir' if record.is_dir() else 'file'
                rr = getattr(record, 'rock_ridge', None)
                if namespace == 'rockridge' and rr is not None and rr.is_symlink():
                    target = rr.symlink_path()
                    if isinstance(target, str):
                        target = target.encode('utf-8', 'surrogateescape')
                    kind = 'symlink'
                size = 0 if kind == 'dir' else record.get_data_length()
                if kind == 'file':
                    # Multi-extent files: pycdlib gives the first record;
                    # its inode knows the whole length.
                    inode = getattr(record, 'inode', None)
                    if inode is not None and getattr(inode, 'data_length', None):
                        size = inode.data_length
                out[path.encode('utf-8', 'surrogateescape')] = (kind, size, record.extent_location(),
                                                                target)
    finally:
        iso.close()
    return out


def xorriso_lba(image):
    """`xorriso -find -exec report_lba`: path bytes → first LBA, size."""
    text = run(['xorriso', '-indev', image, '-find', '/', '-exec', 'report_lba', '--'],
               timeout=1200)
    out = {}
    for line in text.split(b'\n'):
        if not line.startswith(b'File data lba:'):
            continue
        fields, _, path = line.partition(b" , '")
        parts = [p.strip() for p in fields[len(b'File data lba:'):].split(b',')]
        path = path[:-1] if path.endswith(b"'") else path
        lba, size = int(parts[1]), int(parts[3])
        # A multi-extent file has a line per extent, each with the whole
        # file's size: the first extent's start is the file's.
        out.setdefault(path, (lba, size))
    return out


def extract_with(tool, image, dest):
    os.makedirs(dest)
    if tool == 'osirrox':
        run(['osirrox', '-indev', image, '-extract', '/', dest], timeout=1800)
    elif tool == 'bsdtar':
        run(['bsdtar', '-xf', image, '-C', dest], timeout=1800)
    elif tool == '7z':
        # 7-Zip exits 2 when it refuses a link that climbs out (`..`); it
        # extracts the rest.
        run(['7z', 'x', '-y', '-snl', '-o' + dest, image], timeout=1800, check=False)
    elif tool == 'mtools':
        run(['mcopy', '-s', '-m', '-n', '-i', image, '::/*', dest])
    writable(dest)
    return tree_of(dest)


# ---- comparisons --------------------------------------------------------------

def compare_listing(tally, oracle, image, ours, theirs, checks=('kind', 'size', 'lba', 'target'),
                    project=None, unmatched=()):
    """Paths present on both sides, then each attribute of each path.
    `unmatched` are oracle paths with no counterpart by design."""
    theirs = {p: e for p, e in theirs.items() if p not in unmatched}
    mine = {}
    for path, e in ours.items():
        key = project(path) if project else path
        mine[key] = (e['kind'], e['size'], e['lba'], (e['target'] or '').encode() or None)
    for path in sorted(set(mine) | set(theirs)):
        if not tally.check(oracle, image, 'path', path, path in mine, path in theirs):
            continue
        a, b = mine[path], theirs[path]
        for i, name in enumerate(('kind', 'size', 'lba', 'target')):
            if name not in checks or (name in ('size', 'lba') and a[0] == 'dir'):
                continue
            if name == 'lba' and (b[2] is None or a[1] == 0 or a[0] == 'symlink'):
                continue  # empty files and links carry no extent worth comparing
            if name == 'target' and a[0] != 'symlink' and b[0] != 'symlink':
                continue
            tally.check(oracle, image, name, path, a[i], b[i])


def compare_trees(tally, oracle, image, ours, theirs, dates=True):
    for path in sorted(set(ours) | set(theirs)):
        if not tally.check(oracle, image, 'extracted-path', path, path in ours, path in theirs):
            continue
        a, b = ours[path], theirs[path]
        if not tally.check(oracle, image, 'extracted-kind', path, a[0], b[0]):
            continue
        if a[0] == 'file':
            tally.check(oracle, image, 'bytes', path, a[1], b[1])
            if dates:
                tally.check(oracle, image, 'mtime', path, a[2], b[2])
        elif a[0] == 'symlink':
            tally.check(oracle, image, 'target', path, a[1], b[1])


def compare_descriptor(tally, image, info, isoinfo):
    fields = [('System id', 'system_id'), ('Volume id', 'volume_id'),
              ('Volume set id', 'volume_set'), ('Publisher id', 'publisher'),
              ('Data preparer id', 'preparer'), ('Application id', 'application'),
              ('Copyright File id', 'copyright_file'), ('Abstract File id', 'abstract_file'),
              ('Bibliographic File id', 'bibliographic_file'),
              ('Volume set size is', 'volume_set_size'),
              ('Volume set sequence number is', 'volume_sequence'),
              ('Logical block size is', 'block_size'), ('Volume size is', 'blocks')]
    views = [f for f in info['filesystems'] if f['kind'] in ('iso9660', 'rockridge')]
    for view in views:
        for theirs, ours in fields:
            tally.check('isoinfo', image, 'descriptor', '%s:%s' % (view['kind'], ours),
                        str(view['details'].get(ours)), isoinfo.get(theirs))


def iso_views(info):
    return {f['kind'] for f in info['filesystems']}


def check_iso(tally, ds, image, name, work, oracles):
    info = ds.info(image)
    views = iso_views(info)
    compare_descriptor(tally, name, info, isoinfo_descriptor(image))
    plain = ds.listing(image, 'iso9660', raw=True)
    compare_listing(tally, 'isoinfo', name, plain, isoinfo_listing(image, None))
    if 'rockridge' in views:
        rr = ds.listing(image, 'rockridge')
        theirs = isoinfo_listing(image, '-R')
        move, placeholders = isoinfo_relocations(theirs)
        compare_listing(tally, 'isoinfo', name, rr, theirs, project=move, unmatched=placeholders)
    if 'joliet' in views:
        joliet = ds.listing(image, 'joliet')
        compare_listing(tally, 'isoinfo', name, joliet, isoinfo_listing(image, '-J'),
                        project=joliet_as_isoinfo)
    if 'pycdlib' in oracles:
        for namespace, view, raw in (('iso9660', 'iso9660', True), ('joliet', 'joliet', False),
                                     ('rockridge', 'rockridge', False)):
            if view not in views:
                continue
            try:
                theirs = pycdlib_listing(image, namespace)
            except Exception as e:  # pycdlib refuses some images
                tally.note('pycdlib cannot read %s (%s) of %s: %s' % (namespace, view, name,
                                                                       str(e)[:120]))
                continue
            compare_listing(tally, 'pycdlib', name, ds.listing(image, view, raw=raw), theirs)
    default = 'rockridge' if 'rockridge' in views else 'joliet' if 'joliet' in views else 'iso9660'
    ours_tree = ds.extract(image, default, os.path.join(work, 'ours-' + default))
    if 'xorriso' in oracles:
        lbas = xorriso_lba(image)
        listing = ds.listing(image, default)
        for path in sorted(set(lbas) | {p for p, e in listing.items() if e['kind'] == 'file'}):
            if not tally.check('xorriso', name, 'path', path, path in listing, path in lbas):
                continue
            e = listing[path]
            tally.check('xorriso', name, 'size', path, e['size'], lbas[path][1])
            if e['size']:
                tally.check('xorriso', name, 'lba', path, e['lba'], lbas[path][0])
        compare_trees(tally, 'osirrox', name, ours_tree,
                      extract_with('osirrox', image, os.path.join(work, 'osirrox')))
    if 'bsdtar' in oracles:
        compare_trees(tally, 'bsdtar', name, ours_tree,
                      extract_with('bsdtar', image, os.path.join(work, 'bsdtar')))
    if '7z' in oracles:
        # 7-Zip reads Joliet where there is one, else Rock Ridge, else
        # plain ISO 9660.
        seven_view = next(v for v in ('joliet', 'rockridge', 'iso9660') if v in views)
        mine = ours_tree if seven_view == default else ds.extract(
            image, seven_view, os.path.join(work, 'ours-' + seven_view))
        compare_trees(tally, '7z', name, mine, extract_with('7z', image, os.path.join(work, '7z')))


def check_fat(tally, ds, image, name, work, kind):
    ours = ds.extract(image, kind, os.path.join(work, 'ours'))
    compare_trees(tally, 'mtools', name, ours, extract_with('mtools', image, os.path.join(work, 'mtools')))
    listing = ds.listing(image, kind)
    # fls -r -p: every path, deleted ones marked.
    fls = {}
    for line in run(['fls', '-r', '-p', image]).split(b'\n'):
        if b':\t' not in line:
            continue
        head, _, path = line.partition(b':\t')
        if path.startswith(b'$') or b'(Volume Label Entry)' in path:
            continue
        fls[b'/' + path] = 'dir' if head.startswith(b'd/d') else 'file'
    for path in sorted(set(fls) | set(listing)):
        if tally.check('fls', name, 'path', path, path in listing, path in fls):
            tally.check('fls', name, 'kind', path, listing[path]['kind'], fls[path])
    compare_trees(tally, '7z', name, ours, extract_with('7z', image, os.path.join(work, '7z')))


# ---- cue/bin discs -------------------------------------------------------------

def tone(path, seconds):
    run(['sox', '-n', '-r', '44100', '-c', '2', '-b', '16', '-e', 'signed', '-L', '-t', 'raw', path,
         'synth', str(seconds), 'sine', '440'])


def cue_discs(root, iso):
    """Sheets over an ISO (MODE1/2048 data) and raw tones: pregaps stored
    (INDEX 00) and not (PREGAP), one file and several."""
    data = os.path.join(root, 'data.iso')
    shutil.copy(iso, data)
    tone(os.path.join(root, 'tone1.bin'), 3)
    tone(os.path.join(root, 'tone2.bin'), 2)
    sheets = {
        'multi-pregap': '''FILE "data.iso" BINARY
  TRACK 01 MODE1/2048
    INDEX 01 00:00:00
FILE "tone1.bin" BINARY
  TRACK 02 AUDIO
    PREGAP 00:02:00
    INDEX 01 00:00:00
FILE "tone2.bin" BINARY
  TRACK 03 AUDIO
    INDEX 01 00:00:00
''',
        'multi-index0': '''FILE "data.iso" BINARY
  TRACK 01 MODE1/2048
    INDEX 01 00:00:00
FILE "tone1.bin" BINARY
  TRACK 02 AUDIO
    INDEX 00 00:00:00
    INDEX 01 00:01:00
FILE "tone2.bin" BINARY
  TRACK 03 AUDIO
    INDEX 01 00:00:00
''',
        'audio-only': '''FILE "tone1.bin" BINARY
  TRACK 01 AUDIO
    INDEX 01 00:00:00
FILE "tone2.bin" BINARY
  TRACK 02 AUDIO
    PREGAP 00:01:00
    INDEX 01 00:00:00
''',
    }
    out = []
    for name, text in sheets.items():
        path = os.path.join(root, name + '.cue')
        with open(path, 'w') as f:
            f.write(text)
        out.append((name, path))
    return out


def check_cue(tally, ds, name, sheet, work):
    ours = ds.tracks(sheet)
    text = run(['cd-info', '-q', '--no-device-info', '--no-disc-mode', '--cue-file', sheet],
               check=False).decode('latin-1')
    lsns = {}
    for line in text.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0].rstrip(':').isdigit() and ':' in words[1]:
            lsns[int(words[0].rstrip(':'))] = int(words[2])
    for t in ours:
        tally.check('cd-info', name, 'track-start', 'track %d' % t['number'], t['start'],
                    lsns.get(t['number']))
    chd = os.path.join(work, name + '.chd')
    run(['chdman', 'createcd', '-i', sheet, '-o', chd], timeout=600)
    meta = run(['chdman', 'info', '-v', '-i', chd]).decode('latin-1')
    tracks = {}
    for line in meta.splitlines():
        if 'TRACK:' in line:
            fields = dict(f.split(':', 1) for f in line.split() if ':' in f)
            tracks[int(fields['TRACK'])] = fields
    for t in ours:
        c = tracks.get(t['number'], {})
        tally.check('chdman', name, 'pregap', 'track %d' % t['number'], t['pregap'],
                    int(c.get('PREGAP', -1)))
        stored = t['pregap'] if t['pregap_in_file'] else 0
        tally.check('chdman', name, 'frames', 'track %d' % t['number'], t['length'] + stored,
                    int(c.get('FRAMES', -1)))


# ---- the run --------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--discscope', required=True, help='the binary to test')
    parser.add_argument('--fast', action='store_true', help="the small slice .ci/run runs")
    parser.add_argument('--keep', help='build in this folder and keep it')
    parser.add_argument('--no-big', action='store_true', help='leave out the 4 GiB file')
    parser.add_argument('--known', default=os.path.join(HERE, 'known-divergences.txt'))
    parser.add_argument('--report', help='write every unexplained disagreement here, one a line')
    args = parser.parse_args()
    tally = Tally(Known(args.known), verbose=False)
    tally.report_path = args.report
    work = args.keep or tempfile.mkdtemp(prefix='discscope-differential-')
    os.makedirs(work, exist_ok=True)
    started = time.time()
    try:
        with_big = not (args.fast or args.no_big)
        iso_tree, fat_tree = make_tree(os.path.join(work, 'src'), args.fast, big=with_big)
        big = os.path.join(work, 'src', 'big') if with_big else None
        ds = Discscope(os.path.abspath(args.discscope))
        everything = ('pycdlib', 'xorriso', 'bsdtar', '7z')
        images = [
            ('geniso-RJ', lambda o: genisoimage(o, iso_tree, ['-R', '-J']), everything),
            ('xorriso-RJ-long', lambda o: xorriso(o, iso_tree, ['-R', '-J', '-joliet-long']), everything),
            ('pycdlib-3-joliet-rr', lambda o: pycdlib_image(o, iso_tree, 3, 3, '1.09'), everything),
        ]
        if not args.fast:
            images += [
                ('geniso-r-J-long', lambda o: genisoimage(o, iso_tree, ['-r', '-J', '-joliet-long']), everything),
                ('geniso-level2', lambda o: genisoimage(o, iso_tree, ['-R', '-iso-level', '2']), everything),
                ('geniso-level4', lambda o: genisoimage(o, iso_tree, ['-iso-level', '4']), everything),
                ('geniso-deep', lambda o: genisoimage(o, iso_tree, ['-R', '-J', '-D', '-iso-level', '3']), everything),
                ('geniso-U', lambda o: genisoimage(o, iso_tree, ['-U', '-R']), everything),
                ('geniso-plain', lambda o: genisoimage(o, iso_tree, []), everything),
                ('xorriso-r', lambda o: xorriso(o, iso_tree, ['-r']), everything),
                ('xorriso-level3-big', lambda o: xorriso(o, iso_tree, ['-R', '-J', '-iso-level', '3'], big), everything),
                ('xorriso-zisofs', lambda o: xorriso_zisofs(o, iso_tree), ('xorriso', 'bsdtar')),
                ('pycdlib-1', lambda o: pycdlib_image(o, iso_tree, 1, None, None), everything),
                ('pycdlib-4-joliet', lambda o: pycdlib_image(o, iso_tree, 4, 3, None), everything),
                ('pycdlib-2-rr112', lambda o: pycdlib_image(o, iso_tree, 2, None, '1.12'), everything),
            ]
        for name, build, oracles in images:
            here = os.path.join(work, name)
            os.makedirs(here)
            image = os.path.join(here, name + '.iso')
            try:
                build(image)
            except Exception as e:
                tally.note('%s: the writer failed (%s)' % (name, str(e)[:200]))
                continue
            print('%-22s %s' % (name, '%d MiB' % (os.path.getsize(image) >> 20)), flush=True)
            check_iso(tally, ds, image, name, here, oracles)
            if not args.keep:
                writable(here)
                shutil.rmtree(here)
        fats = [('fat16', 16, 32768)]
        if not args.fast:
            fats = [('fat12', 12, 1440), ('fat16', 16, 32768), ('fat32', 32, 66000)]
        for name, bits, size in fats:
            here = os.path.join(work, name)
            os.makedirs(here)
            image = os.path.join(here, name + '.img')
            tree = fat_tree
            if bits == 12:
                # A floppy holds a small part of the tree.
                tree = os.path.join(work, 'src', 'fat12')
                os.makedirs(tree)
                for entry in ('README.TXT', 'café.txt', 'deep', 'sizes', 'empty'):
                    src = os.path.join(fat_tree, entry)
                    (shutil.copytree if os.path.isdir(src) else shutil.copy2)(src, os.path.join(tree, entry))
                run(['find', tree, '-exec', 'touch', '-h', '-d', STAMP, '{}', '+'])
            fat_image(image, tree, bits, size)
            print('%-22s %s' % (name, '%d MiB' % (os.path.getsize(image) >> 20)), flush=True)
            check_fat(tally, ds, image, name, here, 'fat%d' % bits)
        if not args.fast:
            discs = os.path.join(work, 'discs')
            os.makedirs(discs)
            small = os.path.join(discs, 'small.iso')
            genisoimage(small, os.path.join(fat_tree, 'deep'), ['-R'])
            for name, sheet in cue_discs(discs, small):
                print('%-22s cue' % name, flush=True)
                check_cue(tally, ds, name, sheet, discs)
    finally:
        if not args.keep:
            writable(work)
            shutil.rmtree(work, ignore_errors=True)
    code = tally.report()
    print('\n%.0f s' % (time.time() - started))
    return code


if __name__ == '__main__':
    sys.exit(main())

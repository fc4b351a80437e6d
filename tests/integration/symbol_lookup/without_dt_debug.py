"""Copies a 64-bit little-endian ELF program with its DT_DEBUG entry renamed to an entry the
loaders ignore (DT_CHECKSUM), as a program linked without DT_DEBUG would be.
Usage: without_dt_debug.py INPUT OUTPUT"""
import shutil
import struct
import sys

DT_NULL, DT_DEBUG, DT_CHECKSUM, PT_DYNAMIC = 0, 21, 0x6FFFFDF8, 2

source, target = sys.argv[1], sys.argv[2]
shutil.copy2(source, target)  # the mode too: it must stay executable
with open(target, "r+b") as elf:
    image = bytearray(elf.read())
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        sys.exit("%s: not a 64-bit little-endian ELF file" % source)
    phoff, = struct.unpack_from("<Q", image, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", image, 0x36)
    for index in range(phnum):
        header = phoff + index * phentsize
        p_type, = struct.unpack_from("<I", image, header)
        if p_type != PT_DYNAMIC:
            continue
        offset, = struct.unpack_from("<Q", image, header + 8)
        while True:
            tag, = struct.unpack_from("<q", image, offset)
            if tag == DT_NULL:
                sys.exit("%s has no DT_DEBUG entry" % source)
            if tag == DT_DEBUG:
                struct.pack_into("<q", image, offset, DT_CHECKSUM)
                break
            offset += 16
        break
    else:
        sys.exit("%s has no dynamic section" % source)
    elf.seek(0)
    elf.write(image)

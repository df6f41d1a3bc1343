"""The synonym table of the sentence alignment: read with its checksum, built the way it is read,
and what it changes: a sentence reworded with synonyms aligns closer, a sentence on another matter
does not."""
import gzip

import pytest

from detector.reference.matching import evidence, prepare
from detector.reference.sentence_align import similarities
from detector.reference.sentences import member
from detector.reference.synonyms import SynonymTable, bundled
from detector.training.synonym_table import stem_table, write_table

SOURCE = ("The students believed that they would fail the test on Monday. "
          "Their teacher thought the questions were too hard for the class.")
REWORDED = ("On Monday's exam, as the pupils assumed, most of them were going to flunk. "
            "According to their instructor, it was a difficult paper with questions beyond the class.")
UNRELATED = ("The farmers hoped that rain would arrive before the harvest on Monday. "
             "Their neighbours planted the fields early this spring.")
TABLE = {"believ": ["assum", "suppos", "think"], "assum": ["believ"], "suppos": ["believ", "think"],
         "think": ["believ", "suppos"], "student": ["pupil"], "pupil": ["student"], "fail": ["flunk"],
         "flunk": ["fail"], "test": ["exam"], "exam": ["test"], "teacher": ["instructor"],
         "instructor": ["teacher"], "hard": ["difficult"], "difficult": ["hard"]}


def test_a_written_table_reads_back_and_a_changed_one_is_refused(tmp_path):
    path = tmp_path / "synonyms.tsv.gz"
    checksum = write_table(stem_table({"believe": ["assume", "suppose"]}), path)
    assert write_table(stem_table({"believe": ["assume", "suppose"]}), tmp_path / "again.tsv.gz") == checksum
    table = SynonymTable.read(path, checksum)
    assert table.related["believ"] == ("assum", "suppos") and table.related["assum"] == ("believ",)
    assert table.related_members(["believ"]) == {member("assum"), member("suppos")}
    path.write_bytes(gzip.compress(b"believ\tfail\n"))
    with pytest.raises(ValueError, match="checksum"):
        SynonymTable.read(path, checksum)


def test_the_shipped_table_reads_and_relates_common_rewordings():
    related = bundled().related_members(["exam"])
    assert member("test") in related and member("exam") not in related


def test_synonyms_raise_the_similarity_of_a_reworded_sentence_only():
    table = SynonymTable({key: tuple(values) for key, values in TABLE.items()})
    source = prepare(SOURCE).sentences
    plain, seen = similarities(prepare(REWORDED, table).sentences, source)
    assert (plain == similarities(prepare(REWORDED).sentences, source)[1]).all()
    assert seen[0, 0] > plain[0, 0] + 0.2 and seen[1, 1] > plain[1, 1] + 0.1
    assert seen[0, 1] == plain[0, 1] and seen[1, 0] == plain[1, 0]
    unrelated, unrelated_seen = similarities(prepare(UNRELATED, table).sentences, source)
    assert unrelated_seen is unrelated
    assert evidence(prepare(REWORDED, table).sentences, source).accepted
    assert not evidence(prepare(REWORDED).sentences, source).accepted

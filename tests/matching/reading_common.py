"""What the reading-class tests (test_reading_classes.py, test_reading_classes_later.py) share."""

CIGNA = "Cigna"  # eviCore's spine and joint guidelines
UHC = "UnitedHealthcare"

# A plain back-pain visit with no red flag, used by classes 2 and 6.
BACK_ONLY = ("2025-02-20", "Office visit", "Low back pain for two weeks after gardening. Exam: lumbar "
                                           "tenderness, strength 5/5.")


def kinds(result, status):
    return {r["kind"] for r in result["requirements"] if r["status"] == status}

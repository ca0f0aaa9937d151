"""The pieces tools/build_letters.py makes the built-in Word letters from: styles (the document,
its styles and the schema's element order), content (paragraphs, tables and the blocks letters
share) and kinds (the five letters)."""

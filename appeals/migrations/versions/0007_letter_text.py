"""letters.text_preview is dropped: the status page reads a letter's text from its .docx

Reading the text back after each render cost several times the render itself, and kept a second
copy of the letter's words. The .docx holds everything the preview needs, so nothing is lost; a
downgrade brings the column back empty (the older code reads the .docx when it is empty).

Revision ID: 0007_letter_text
Revises: 0006_documents
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_letter_text'
down_revision = '0006_documents'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('text_preview')


def downgrade():
    # NOT NULL as before; the default fills the rows already there, then goes (as in 0001).
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_preview', sa.Text(), nullable=False,
                                      server_default=''))
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.alter_column('text_preview', server_default=None)

"""appeals.batch_id is a foreign key to batches, ON DELETE CASCADE

Deleting a batch (by its owner, or the retention purge) now deletes the appeals made from it in
the database, as deleting an appeal deletes its letter: no code walks the tables any more.
Appeals left behind by a batch already gone are deleted first (with their letters), since the
constraint could not be created over them.

Revision ID: 0005_cascades
Revises: 0004_templates
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_cascades'
down_revision = '0004_templates'
branch_labels = None
depends_on = None

ORPHANS = ("SELECT id FROM appeals WHERE batch_id IS NOT NULL "
           "AND batch_id NOT IN (SELECT id FROM batches)")


def upgrade():
    op.execute(sa.text(f"DELETE FROM letters WHERE appeal_id IN ({ORPHANS})"))
    op.execute(sa.text(f"DELETE FROM appeals WHERE id IN ({ORPHANS})"))
    op.execute(sa.text("DELETE FROM letters WHERE appeal_id NOT IN (SELECT id FROM appeals)"))
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_appeals_batch_id_batches'), 'batches',
                                    ['batch_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appeals_batch_id_batches'), type_='foreignkey')

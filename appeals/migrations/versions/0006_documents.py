"""document drafts: what was read from uploaded documents, until the person confirms it

Revision ID: 0006_documents
Revises: 0005_cascades
Create Date: 2026-12-03

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_documents'
down_revision = '0005_cascades'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document_drafts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('reading_json', sa.JSON(), nullable=False),
    sa.Column('confirmed_json', sa.JSON(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_document_drafts_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_document_drafts_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_drafts'))
    )
    with op.batch_alter_table('document_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_drafts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_drafts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_drafts_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('document_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_drafts_owner_id'))
        batch_op.drop_index(batch_op.f('ix_document_drafts_organization_id'))
        batch_op.drop_index(batch_op.f('ix_document_drafts_created_at'))
    op.drop_table('document_drafts')

"""initial pools

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 03:16:32.168415
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('regions',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('short_name', sa.String(length=50), nullable=False),
    sa.Column('full_name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_regions_parent_code'), ['parent_code'], unique=False)

    op.create_table('organizations',
    sa.Column('kind', sa.Enum('enterprise', 'college', 'institute', 'association', 'government', 'industry_college', name='orgkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('industries', sa.JSON(), nullable=False),
    sa.Column('majors', sa.JSON(), nullable=False),
    sa.Column('member_level', sa.Enum('president', 'vice_president', 'standing_director', 'director', 'member', name='memberlevel', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('member_status', sa.Enum('none', 'applying', 'active', 'withdrawn', 'lapsed', 'expelled', name='memberstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_organizations_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizations')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_organizations_natural_key'))
    )
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organizations_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_status'), ['status'], unique=False)

    op.create_table('achievements',
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('achievement_kind', sa.Enum('invention_patent', 'utility_patent', 'software_copyright', 'technology', 'new_variety', 'standard', name='achievementkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('discipline', sa.String(length=50), nullable=True),
    sa.Column('ip_status', sa.Enum('granted', 'pending', 'none', name='ipstatus', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('maturity', sa.Enum('lab', 'pilot', 'demo', 'industrial', name='maturity', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('trl', sa.Integer(), nullable=True),
    sa.Column('transfer_mode', sa.Enum('assignment', 'license', 'equity', 'co_development', name='transfermode', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('price', sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
    sa.Column('inventors', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.CheckConstraint('price IS NULL OR price >= 0', name=op.f('ck_achievements_price_nonnegative')),
    sa.CheckConstraint('trl IS NULL OR (trl >= 1 AND trl <= 9)', name=op.f('ck_achievements_trl_range')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_achievements_owner_org_id_organizations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_achievements_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_achievements')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_achievements_natural_key'))
    )
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_achievements_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_achievements_status'), ['status'], unique=False)

    op.create_table('experts',
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('prof_title', sa.Enum('professor', 'associate_professor', 'lecturer', 'assistant', 'researcher', 'associate_researcher', 'senior_engineer_plus', 'senior_engineer', 'engineer', 'senior_technician', 'technician', 'other', name='proftitle', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('research_areas', sa.JSON(), nullable=False),
    sa.Column('discipline', sa.String(length=50), nullable=True),
    sa.Column('availability', sa.Enum('available', 'busy', 'paused', name='availability', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_experts_owner_org_id_organizations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_experts_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_experts')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_experts_natural_key'))
    )
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_experts_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_experts_status'), ['status'], unique=False)

    op.create_table('internships',
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('job_kind', sa.Enum('internship', 'full_time', 'part_time', name='jobkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('majors', sa.JSON(), nullable=False),
    sa.Column('min_level', sa.Enum('secondary_vocational', 'higher_vocational', 'bachelor', 'postgraduate', name='educationlevel', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('stipend', sa.Integer(), nullable=True),
    sa.Column('occupation_code', sa.String(length=20), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_internships_period_order')),
    sa.CheckConstraint('seats >= 1', name=op.f('ck_internships_seats_positive')),
    sa.CheckConstraint('stipend IS NULL OR stipend >= 0', name=op.f('ck_internships_stipend_nonnegative')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_internships_owner_org_id_organizations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_internships_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internships')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_internships_natural_key'))
    )
    with op.batch_alter_table('internships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_internships_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_internships_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_internships_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internships_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_internships_status'), ['status'], unique=False)

    op.create_table('projects',
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('project_kind', sa.Enum('tech_problem', 'horizontal', 'co_built_base', 'co_built_course', 'government', 'talent_need', 'training_need', 'cooperation_need', name='projectkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('budget', sa.Numeric(precision=12, scale=2, asdecimal=False), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.CheckConstraint('budget IS NULL OR budget >= 0', name=op.f('ck_projects_budget_nonnegative')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_projects_owner_org_id_organizations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_projects_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_projects_natural_key'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_projects_status'), ['status'], unique=False)

    op.create_table('talents',
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('major', sa.String(length=100), nullable=False),
    sa.Column('level', sa.Enum('secondary_vocational', 'higher_vocational', 'bachelor', 'postgraduate', name='educationlevel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('graduation_year', sa.Integer(), nullable=True),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('certificates', sa.JSON(), nullable=False),
    sa.Column('expected_city_code', sa.String(length=12), nullable=True),
    sa.Column('expected_role', sa.String(length=100), nullable=True),
    sa.Column('available_from', sa.Date(), nullable=True),
    sa.Column('available_to', sa.Date(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.CheckConstraint('available_to IS NULL OR available_from IS NULL OR available_to >= available_from', name=op.f('ck_talents_period_order')),
    sa.ForeignKeyConstraint(['expected_city_code'], ['regions.code'], name=op.f('fk_talents_expected_city_code_regions')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_talents_owner_org_id_organizations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_talents_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_talents')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_talents_natural_key'))
    )
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_talents_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_talents_status'), ['status'], unique=False)

    op.create_table('teachers',
    sa.Column('owner_org_id', sa.Integer(), nullable=False),
    sa.Column('teacher_kind', sa.Enum('full_time', 'enterprise_part_time', 'mentor', name='teacherkind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('prof_title', sa.Enum('professor', 'associate_professor', 'lecturer', 'assistant', 'researcher', 'associate_researcher', 'senior_engineer_plus', 'senior_engineer', 'engineer', 'senior_technician', 'technician', 'other', name='proftitle', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('courses', sa.JSON(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('dual_qualified', sa.Boolean(), nullable=False),
    sa.Column('hours_available', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=300), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('field', sa.String(length=50), nullable=True),
    sa.Column('visibility', sa.Enum('public', 'members', 'private', name='visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'pending', 'published', 'archived', 'rejected', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=120), nullable=True),
    sa.CheckConstraint('hours_available >= 0', name=op.f('ck_teachers_hours_nonnegative')),
    sa.ForeignKeyConstraint(['owner_org_id'], ['organizations.id'], name=op.f('fk_teachers_owner_org_id_organizations')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_teachers_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teachers')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_teachers_natural_key'))
    )
    with op.batch_alter_table('teachers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teachers_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_teachers_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_teachers_owner_org_id'), ['owner_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_teachers_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_teachers_status'), ['status'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('teachers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_teachers_status'))
        batch_op.drop_index(batch_op.f('ix_teachers_region_code'))
        batch_op.drop_index(batch_op.f('ix_teachers_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_teachers_name'))
        batch_op.drop_index(batch_op.f('ix_teachers_field'))

    op.drop_table('teachers')
    with op.batch_alter_table('talents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_talents_status'))
        batch_op.drop_index(batch_op.f('ix_talents_region_code'))
        batch_op.drop_index(batch_op.f('ix_talents_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_talents_name'))
        batch_op.drop_index(batch_op.f('ix_talents_field'))

    op.drop_table('talents')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_status'))
        batch_op.drop_index(batch_op.f('ix_projects_region_code'))
        batch_op.drop_index(batch_op.f('ix_projects_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_projects_name'))
        batch_op.drop_index(batch_op.f('ix_projects_field'))

    op.drop_table('projects')
    with op.batch_alter_table('internships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_internships_status'))
        batch_op.drop_index(batch_op.f('ix_internships_region_code'))
        batch_op.drop_index(batch_op.f('ix_internships_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_internships_name'))
        batch_op.drop_index(batch_op.f('ix_internships_field'))

    op.drop_table('internships')
    with op.batch_alter_table('experts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_experts_status'))
        batch_op.drop_index(batch_op.f('ix_experts_region_code'))
        batch_op.drop_index(batch_op.f('ix_experts_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_experts_name'))
        batch_op.drop_index(batch_op.f('ix_experts_field'))

    op.drop_table('experts')
    with op.batch_alter_table('achievements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_achievements_status'))
        batch_op.drop_index(batch_op.f('ix_achievements_region_code'))
        batch_op.drop_index(batch_op.f('ix_achievements_owner_org_id'))
        batch_op.drop_index(batch_op.f('ix_achievements_name'))
        batch_op.drop_index(batch_op.f('ix_achievements_field'))

    op.drop_table('achievements')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_status'))
        batch_op.drop_index(batch_op.f('ix_organizations_region_code'))
        batch_op.drop_index(batch_op.f('ix_organizations_name'))
        batch_op.drop_index(batch_op.f('ix_organizations_field'))

    op.drop_table('organizations')
    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_regions_parent_code'))

    op.drop_table('regions')


import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

export type TemplateChannels = Record<string, Record<string, string>>;

@Entity({ name: 'templates' })
export class Template {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenant_id: string;
  @Column('text') key: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('jsonb') channels: TemplateChannels;
  @Column('int', { default: 1 }) version: number;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => "date_trunc('milliseconds', now())" }) created_at: Date;
  @Column('timestamptz', { default: () => 'now()' }) updated_at: Date;
}

/** A template as it was at one version (deliveries record the version they used). */
@Entity({ name: 'template_versions' })
export class TemplateVersion {
  @PrimaryColumn('uuid') template_id: string;
  @PrimaryColumn('int') version: number;
  @Column('uuid') tenant_id: string;
  @Column('text') name: string;
  @Column('text', { nullable: true }) description: string | null;
  @Column('jsonb') channels: TemplateChannels;
  @Column('text') created_by: string;
  @Column('timestamptz', { default: () => 'now()' }) created_at: Date;
}

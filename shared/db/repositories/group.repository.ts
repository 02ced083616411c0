import { randomUUID } from 'node:crypto';
import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { GroupEntity } from '../entities/index.js';

export class GroupRepository {
  private readonly repo: Repository<GroupEntity>;
  constructor(ds: DataSource | EntityManager) {
    this.repo = ds.getRepository(GroupEntity);
  }

  async list(): Promise<GroupEntity[]> {
    return await this.repo.find({ order: { name: 'ASC' } });
  }

  async create(name: string): Promise<GroupEntity> {
    return await this.repo.save(this.repo.create({ id: randomUUID(), name }));
  }

  async findByName(name: string): Promise<GroupEntity | null> {
    return await this.repo.findOne({ where: { name } });
  }

  /** The ids among `ids` that exist. */
  async existing(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    return (await this.repo.find({ where: { id: In(ids) }, select: { id: true } })).map((g) => g.id);
  }
}

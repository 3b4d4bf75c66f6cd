/**
 * The last `max` sequence numbers a live stream sent, oldest forgotten first: a late event that
 * the stream already delivered (it raced the catch-up read) is not sent twice.
 */
export class RecentSeqs {
  private readonly seqs = new Set<string>();
  constructor(private readonly max: number) {}
  has(seq: string): boolean {
    return this.seqs.has(seq);
  }
  add(seq: string): void {
    this.seqs.add(seq);
    if (this.seqs.size > this.max) this.seqs.delete(this.seqs.values().next().value!);
  }
}

export { ArchiveModule } from './archive.module';
export { ArchiveService } from './archive.service';
export type { ArchiveOptions, ImportAsNew, ImportReplacing, ImportRequest, ImportResult } from './archive.service';
export type { LoadResult } from './archive-loader';
export type { ArchiveProgress, ProgressListener } from './archive-progress';
export {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  ARCHIVE_MEDIA_TYPE,
  archiveManifest,
  MANIFEST_ENTRY,
  tableEntryName,
} from './archive-format';
export type { ArchiveManifest, ManifestTable } from './archive-format';
export { readArchive } from './archive-reader';
export type { ArchiveVisitor } from './archive-reader';

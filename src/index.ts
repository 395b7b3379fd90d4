export * from './volumes/exclusive-storage-class';
export * from './volumes/exclusive-volume';
export * from './volumes/volume-data-source';
export * from './volumes/volume-snapshot';
export * from './volumes/volume-snapshot-class';

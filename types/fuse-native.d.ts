/**
 * Types for fuse-native 2.2.6, which ships none. Only what pipekit uses is declared;
 * the shapes follow node_modules/fuse-native/index.js (callback arguments are the
 * values handed to the native `signal`: a negative errno, or 0 and the result).
 */
declare module 'fuse-native' {
  /** Node-style callback a handler answers with: 0 (or null) and a result, or a negative errno. */
  type Cb<T extends unknown[] = []> = (err: number | null, ...result: T) => void;

  namespace Fuse {
    interface Stat {
      mode: number;
      uid?: number;
      gid?: number;
      size?: number;
      dev?: number;
      nlink?: number;
      /** Only 32 bits reach the kernel (the binding passes a Uint32Array). */
      ino?: number;
      rdev?: number;
      blksize?: number;
      blocks?: number;
      /** Milliseconds since the epoch, or a Date. */
      atime?: Date | number;
      mtime?: Date | number;
      ctime?: Date | number;
    }

    interface Statfs {
      bsize?: number;
      frsize?: number;
      blocks?: number;
      bfree?: number;
      bavail?: number;
      files?: number;
      ffree?: number;
      favail?: number;
      fsid?: number;
      flag?: number;
      namemax?: number;
    }

    interface Operations {
      init?(cb: Cb): void;
      error?(cb: Cb): void;
      access?(path: string, mode: number, cb: Cb): void;
      statfs?(path: string, cb: Cb<[Statfs?]>): void;
      getattr?(path: string, cb: Cb<[Stat?]>): void;
      fgetattr?(path: string, fd: number, cb: Cb<[Stat?]>): void;
      flush?(path: string, fd: number, cb: Cb): void;
      fsync?(path: string, datasync: number, fd: number, cb: Cb): void;
      fsyncdir?(path: string, datasync: number, fd: number, cb: Cb): void;
      readdir?(path: string, cb: Cb<[string[]?, Stat[]?]>): void;
      truncate?(path: string, size: number, cb: Cb): void;
      ftruncate?(path: string, fd: number, size: number, cb: Cb): void;
      utimens?(path: string, atime: number, mtime: number, cb: Cb): void;
      readlink?(path: string, cb: Cb<[string?]>): void;
      chown?(path: string, uid: number, gid: number, cb: Cb): void;
      chmod?(path: string, mode: number, cb: Cb): void;
      mknod?(path: string, mode: number, dev: number, cb: Cb): void;
      setxattr?(path: string, name: string, value: Buffer, position: number, flags: number, cb: Cb): void;
      getxattr?(path: string, name: string, position: number, cb: Cb<[Buffer?]>): void;
      listxattr?(path: string, cb: Cb<[string[]?]>): void;
      removexattr?(path: string, name: string, cb: Cb): void;
      open?(path: string, flags: number, cb: Cb<[number?]>): void;
      opendir?(path: string, flags: number, cb: Cb<[number?]>): void;
      /** Answer with the number of bytes copied into `buf` (0 at end of file). */
      read?(path: string, fd: number, buf: Buffer, len: number, offset: number, cb: (bytesRead: number) => void): void;
      write?(path: string, fd: number, buf: Buffer, len: number, offset: number, cb: (bytesWritten: number) => void): void;
      release?(path: string, fd: number, cb: Cb): void;
      releasedir?(path: string, fd: number, cb: Cb): void;
      create?(path: string, mode: number, cb: Cb<[number?]>): void;
      unlink?(path: string, cb: Cb): void;
      rename?(src: string, dest: string, cb: Cb): void;
      link?(src: string, dest: string, cb: Cb): void;
      symlink?(src: string, dest: string, cb: Cb): void;
      mkdir?(path: string, mode: number, cb: Cb): void;
      rmdir?(path: string, cb: Cb): void;
    }

    interface Options {
      /** Per-op timeout in ms (answered ETIMEDOUT), false for none; default 15000. */
      timeout?: number | false | Record<string, number | false>;
      /** Lazily unmount a stale ("Transport endpoint is not connected") mount first. */
      force?: boolean;
      mkdir?: boolean;
      debug?: boolean;
      allowOther?: boolean;
      allowRoot?: boolean;
      /** fusermount unmounts when the process dies, even by SIGKILL. */
      autoUnmount?: boolean;
      defaultPermissions?: boolean;
      blksize?: number;
      maxRead?: number;
      /** Appended verbatim after `fsname=` in the single `-o` option string. */
      fsname?: string;
      subtype?: string;
      kernelCache?: boolean;
      autoCache?: boolean;
      uid?: number;
      gid?: number;
      entryTimeout?: number;
      attrTimeout?: number;
    }
  }

  class Fuse {
    constructor(mnt: string, ops: Fuse.Operations, opts?: Fuse.Options);
    readonly mnt: string;
    /** Calls back once the kernel has sent init: the mount is serving. */
    mount(cb: (err: Error | null) => void): void;
    unmount(cb: (err: Error | null) => void): void;
    static unmount(mnt: string, cb: (err: Error | null) => void): void;

    static readonly EPERM: number;
    static readonly ENOENT: number;
    static readonly EIO: number;
    static readonly EBADF: number;
    static readonly EACCES: number;
    static readonly EEXIST: number;
    static readonly ENOTDIR: number;
    static readonly EISDIR: number;
    static readonly EINVAL: number;
    static readonly EROFS: number;
    static readonly ENOSYS: number;
    static readonly ENOTEMPTY: number;
    static readonly ENODATA: number;
    static readonly ENAMETOOLONG: number;
    static readonly ETIMEDOUT: number;
    static readonly ENOTCONN: number;
  }

  export = Fuse;
}

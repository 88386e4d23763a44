using System.Runtime.InteropServices;

namespace K8sComm.Core.IO;

/// <summary>What a file a kubeconfig or a pod names is expected to hold; each kind has its own size limit.</summary>
public enum LocalFileKind
{
    /// <summary>A kubeconfig: 16 MiB holds thousands of contexts with embedded certificates.</summary>
    Kubeconfig,

    /// <summary>A certificate bundle, certificate or private key: a full system CA bundle is well under 4 MiB.</summary>
    Certificate,

    /// <summary>A bearer token or a namespace name: bound tokens are a few KiB.</summary>
    Token,
}

/// <summary>Why a file could not be read. The message names the file and the reason, never its content.</summary>
public sealed class LocalFileException : IOException
{
    public LocalFileException(string path, string problem, bool missing = false, Exception? inner = null)
        : base($"'{path}' {problem}", inner)
    {
        Path = path;
        Problem = problem;
        Missing = missing;
    }

    public string Path { get; }

    /// <summary>A phrase that completes "'path' ...", e.g. "is a named pipe (FIFO), not a regular file".</summary>
    public string Problem { get; }

    /// <summary>The file (or a directory above it) does not exist.</summary>
    public bool Missing { get; }
}

/// <summary>
/// Reads files that untrusted configuration names. Only regular files are opened, and only up to the
/// limit of their kind: a FIFO would block the open (and Ctrl+C with it), and /dev/zero or a huge file
/// would fill memory. The type is checked before opening, and the read is bounded either way, so a
/// file swapped in between costs at most the limit.
/// </summary>
public static class LocalFile
{
    public static long LimitOf(LocalFileKind kind) => kind switch
    {
        LocalFileKind.Kubeconfig => 16 * 1024 * 1024,
        LocalFileKind.Certificate => 4 * 1024 * 1024,
        _ => 1024 * 1024,
    };

    /// <exception cref="LocalFileException">Missing, not a regular file, too large, or unreadable.</exception>
    public static byte[] ReadAllBytes(string path, LocalFileKind kind, CancellationToken cancellationToken = default)
    {
        var limit = LimitOf(kind);
        CheckRegular(path, limit);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                bufferSize: 1, FileOptions.SequentialScan);
            if (stream.CanSeek && stream.Length > limit)
                throw TooLarge(path, limit);

            using var memory = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                memory.Write(buffer, 0, read);
                if (memory.Length > limit)
                    throw TooLarge(path, limit);
            }
            return memory.ToArray();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new LocalFileException(path, "does not exist", missing: true, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new LocalFileException(path, "cannot be read: permission denied", inner: e);
        }
        catch (Exception e) when (e is IOException and not LocalFileException)
        {
            // The OS's reason (an I/O error, a lock) names no content.
            throw new LocalFileException(path, $"cannot be read: {e.Message}", inner: e);
        }
    }

    /// <summary>The file as UTF-8 text (a byte order mark is dropped).</summary>
    public static string ReadAllText(string path, LocalFileKind kind, CancellationToken cancellationToken = default)
    {
        var bytes = ReadAllBytes(path, kind, cancellationToken);
        var start = bytes.AsSpan().StartsWith("\xEF\xBB\xBF"u8) ? 3 : 0;
        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>The same read, off the caller's thread, for async code (a token file read per request).</summary>
    public static Task<string> ReadAllTextAsync(string path, LocalFileKind kind, CancellationToken cancellationToken = default) =>
        Task.Run(() => ReadAllText(path, kind, cancellationToken), cancellationToken);

    /// <summary>Whether <paramref name="path"/> names something (anything) on disk, without opening it.</summary>
    public static bool Exists(string path) =>
        !path.Contains('\0') && (File.Exists(path) || Directory.Exists(path));

    private static void CheckRegular(string path, long limit)
    {
        if (path.Length == 0)
            throw new LocalFileException(path, "is an empty path");
        if (path.Contains('\0'))
            throw new LocalFileException(path.Replace("\0", "\\0"), "contains a null character");

        if (OperatingSystem.IsWindows())
        {
            CheckRegularWindows(path);
            return;
        }

        // stat(2) follows symbolic links, as open(2) does; it never blocks on a FIFO.
        if (Native.Stat(path, out var status) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Native.ENOENT or Native.ENOTDIR => new LocalFileException(path, "does not exist", missing: true),
                Native.EACCES => new LocalFileException(path, "cannot be read: permission denied"),
                _ => new LocalFileException(path, $"cannot be examined ({Marshal.GetPInvokeErrorMessage(errno)})"),
            };
        }

        var type = status.Mode & Native.S_IFMT;
        if (type != Native.S_IFREG)
            throw new LocalFileException(path, $"is {Native.Describe(type)}, not a regular file");
        if (status.Size > limit)
            throw TooLarge(path, limit);
    }

    private static void CheckRegularWindows(string path)
    {
        FileAttributes attributes;
        try
        {
            attributes = File.GetAttributes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new LocalFileException(path, "does not exist", missing: true, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new LocalFileException(path, $"cannot be examined ({e.Message})", inner: e);
        }

        if (attributes.HasFlag(FileAttributes.Directory))
            throw new LocalFileException(path, "is a directory, not a regular file");
        if (attributes.HasFlag(FileAttributes.Device))
            throw new LocalFileException(path, "is a device, not a regular file");
    }

    private static LocalFileException TooLarge(string path, long limit) =>
        new(path, $"is larger than {limit / 1024 / 1024} MiB, more than such a file ever holds");

    /// <summary>The runtime's own stat shim (libSystem.Native, shipped with every .NET on Unix): its
    /// FileStatus starts with Flags, Mode, Uid, Gid, Size on every platform, and normalises the type bits
    /// to POSIX's values. The buffer is larger than any version's struct.</summary>
    private static class Native
    {
        public const int S_IFMT = 0xF000, S_IFREG = 0x8000, S_IFDIR = 0x4000, S_IFIFO = 0x1000, S_IFCHR = 0x2000,
            S_IFBLK = 0x6000, S_IFSOCK = 0xC000;

        public const int ENOENT = 2, EACCES = 13, ENOTDIR = 20;

        [StructLayout(LayoutKind.Sequential, Size = 512)]
        public struct FileStatus
        {
            public int Flags;
            public int Mode;
            public int Uid;
            public int Gid;
            public long Size;
        }

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        public static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, out FileStatus status);

        public static string Describe(int type) => type switch
        {
            S_IFDIR => "a directory",
            S_IFIFO => "a named pipe (FIFO)",
            S_IFCHR => "a character device",
            S_IFBLK => "a block device",
            S_IFSOCK => "a socket",
            _ => "a special file",
        };
    }
}

namespace Ava.Compiler.Binary;

/// <summary>How a tar member is named in messages: "a symbolic link to /etc/passwd", "a FIFO", ...</summary>
internal static class TarMemberText
{
    public static string Describe(TarMember m) => m.Type switch
    {
        TarMemberType.File => "a regular file",
        TarMemberType.Directory => "a folder",
        TarMemberType.SymbolicLink => $"a symbolic link to '{m.LinkName}'",
        TarMemberType.HardLink => $"a hard link to '{m.LinkName}'",
        TarMemberType.CharacterDevice => "a character device",
        TarMemberType.BlockDevice => "a block device",
        TarMemberType.Fifo => "a FIFO (named pipe)",
        _ => $"a member of tar type '{Printable(m.TypeFlag)}'",
    };

    private static string Printable(char c) => c is >= ' ' and <= '~' ? c.ToString() : $"\\x{(int)c:x2}";
}

namespace Ava.Compiler.Jvm;

/// <summary>A method declared <c>native</c> in a class file or DEX file: what the VM will look up in the app's shared libraries.</summary>
/// <param name="Class">Binary class name with dots, e.g. org.apache.tvm.LibInfo (inner classes keep their '$').</param>
/// <param name="Descriptor">JVM method descriptor, e.g. (Ljava/lang/String;Lorg/apache/tvm/Base$RefLong;)I.</param>
/// <param name="Source">Where it was read, e.g. tvm4j_core.jar!org/apache/tvm/LibInfo.class.</param>
public sealed record JvmNativeMethod(string Class, string Name, string Descriptor, string Source)
{
    /// <summary>The symbol the VM tries first: Java_&lt;class&gt;_&lt;method&gt;.</summary>
    public string ShortSymbol => JniNames.Short(Class, Name);

    /// <summary>The overload form the VM tries second: the short name + "__" + the mangled argument types.</summary>
    public string LongSymbol => JniNames.Long(Class, Name, Descriptor);

    /// <summary>How Java prints it: org.apache.tvm.LibInfo.tvmFFIFunctionGetGlobal.</summary>
    public string Display => $"{Class}.{Name}";
}

/// <summary>The classes of one class file or DEX file with their native methods.</summary>
public sealed record JvmClass(string Name, IReadOnlyList<JvmNativeMethod> Natives);

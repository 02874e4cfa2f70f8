# Compiles one datapath program with clang -target bpf (with BTF from -g) and
# generates its libbpf skeleton with bpftool. The object is built from UAPI
# headers only: nothing depends on the build host's kernel.
find_program(CLANG clang REQUIRED)
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)
find_program(LLVM_STRIP NAMES llvm-strip llvm-strip-14)

set(NODEPLANE_BPF_OUT ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${NODEPLANE_BPF_OUT})

# nodeplane_bpf_program(<name> <source> DEPENDS <headers...>)
# Produces ${NODEPLANE_BPF_OUT}/<name>.bpf.o and <name>.skel.h, and a target
# bpf_<name>.
function(nodeplane_bpf_program name source)
  cmake_parse_arguments(ARG "" "" "DEPENDS" ${ARGN})
  set(obj ${NODEPLANE_BPF_OUT}/${name}.bpf.o)
  set(skel ${NODEPLANE_BPF_OUT}/${name}.skel.h)
  execute_process(COMMAND uname -m OUTPUT_VARIABLE arch OUTPUT_STRIP_TRAILING_WHITESPACE)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CLANG} -g -O2 -target bpf -mcpu=v3
            -Wall -Werror
            -I${CMAKE_SOURCE_DIR}/bpf/include -I${CMAKE_SOURCE_DIR}/bpf
            -I/usr/include/${arch}-linux-gnu
            -c ${source} -o ${obj}
    DEPENDS ${source} ${ARG_DEPENDS}
    COMMENT "BPF ${name}"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}
    DEPENDS ${obj}
    COMMENT "BPF skeleton ${name}"
    VERBATIM)
  add_custom_target(bpf_${name} ALL DEPENDS ${obj} ${skel})
endfunction()

//! Go's `text/tabwriter`, which kubectl, Argo's plugin and the docker CLI all print through: cells
//! end at a tab, and a column is aligned over each run of consecutive lines that have a cell in
//! it (the last cell of a line is not aligned). Widths count characters, as Go counts runes.

/// How a writer pads: at least `min_width` per cell, and `padding` spaces past the widest.
#[derive(Clone, Copy, Debug)]
pub struct Tabs {
    pub min_width: usize,
    pub padding: usize,
}

/// kubectl's tables (`get`): minwidth 6, padding 3.
pub const KUBECTL_GET: Tabs = Tabs { min_width: 6, padding: 3 };
/// kubectl's describe and history, and Argo's tree: minwidth 0, padding 2.
pub const NARROW: Tabs = Tabs { min_width: 0, padding: 2 };
/// docker's tables: minwidth 10, padding 3.
pub const DOCKER: Tabs = Tabs { min_width: 10, padding: 3 };

/// Aligns `text`, whose cells are separated by tabs, as Go's tabwriter with `tabs` would.
pub fn align(text: &str, tabs: Tabs) -> String {
    let lines: Vec<Vec<&str>> = text.split_terminator('\n').map(|line| line.split('\t').collect()).collect();
    let mut widths: Vec<Vec<usize>> = lines.iter().map(|cells| vec![0; cells.len()]).collect();
    block(&lines, 0, lines.len(), 0, tabs, &mut widths);
    let mut out = String::with_capacity(text.len() * 2);
    for (cells, widths) in lines.iter().zip(&widths) {
        for (index, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if index + 1 < cells.len() {
                let pad = widths[index].saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// Go's `format`: within lines `from..to`, each run of lines with a cell in `column` (one that a
/// tab ends) gets one width, and the next column is aligned within that run.
fn block(lines: &[Vec<&str>], from: usize, to: usize, column: usize, tabs: Tabs, widths: &mut [Vec<usize>]) {
    let mut line = from;
    while line < to {
        if lines[line].len() <= column + 1 {
            line += 1;
            continue;
        }
        let start = line;
        let mut width = tabs.min_width;
        while line < to && lines[line].len() > column + 1 {
            width = width.max(lines[line][column].chars().count() + tabs.padding);
            line += 1;
        }
        for row in &mut widths[start..line] {
            row[column] = width;
        }
        block(lines, start, line, column + 1, tabs, widths);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_go() {
        let text = "NAME\tAGE\npod/foo\t<unknown>\n";
        assert_eq!(align(text, KUBECTL_GET), "NAME      AGE\npod/foo   <unknown>\n");
        // A line without a tab ends the block; the lines after it with a cell in the column align
        // together (kubectl's describe: OldReplicaSets lines up with the condition rows).
        let text = "Conditions:\n  Type\tStatus\tReason\n  Available \tTrue\tX\nOldReplicaSets:\tnone\n";
        assert_eq!(
            align(text, NARROW),
            "Conditions:\n  Type           Status  Reason\n  Available      True    X\nOldReplicaSets:  none\n"
        );
    }
}

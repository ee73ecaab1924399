// Chinese names for the rich-text editor's menus. django-prose-editor translates its dialogs through
// Django's JavaScript catalogue (locale/zh_Hans/LC_MESSAGES/djangojs.po) but writes its buttons'
// titles and menu entries in English in its code; this renames them as the editor draws them.
(function () {
  "use strict";
  const NAMES = {
    "bold": "加粗", "italic": "斜体", "underline": "下划线", "strike": "删除线",
    "subscript": "下标", "superscript": "上标", "Code": "代码", "Code block": "代码块",
    "blockquote": "引用", "horizontal rule": "分隔线", "insert link": "插入链接",
    "remove link": "取消链接", "ordered list": "编号列表", "unordered list": "项目符号列表",
    "paragraph": "正文段落", "Paragraph": "正文段落", "undo": "撤销", "redo": "重做",
    "edit HTML": "编辑 HTML 源码", "HTML": "HTML 源码", "Styles": "样式", "figure": "图片",
    "Insert table": "插入表格", "Merge cells": "合并单元格", "Split cell": "拆分单元格",
    "Add column": "插入列", "Delete column": "删除列", "Add row": "插入行",
    "Delete row": "删除行", "Toggle header cell": "切换表头单元格", "Delete table": "删除表格",
    "Reset all classes": "清除样式", "title": "标题",
  };
  for (let level = 1; level <= 6; level++) {
    NAMES["Heading " + level] = level + " 级标题";
    NAMES["heading " + level] = level + " 级标题";
  }
  function rename(root) {
    root.querySelectorAll("[title]").forEach(function (el) {
      const name = NAMES[el.getAttribute("title")];
      if (name) el.setAttribute("title", name);
    });
    root.querySelectorAll("[aria-label]").forEach(function (el) {
      const name = NAMES[el.getAttribute("aria-label")];
      if (name) el.setAttribute("aria-label", name);
    });
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (node) {
      // Not the text being written, and not an icon font's ligature name ("undo" draws the icon).
      if (node.parentElement && node.parentElement.closest('[contenteditable="true"], .material-icons, [class*="material-icons"]')) return;
      const name = NAMES[node.nodeValue.trim()];
      if (name) node.nodeValue = name;
    });
  }
  function watch() {
    document.querySelectorAll(".prose-editor").forEach(rename);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        const target = change.target.nodeType === 1 ? change.target : change.target.parentElement;
        const editor = target && target.closest(".prose-editor");
        if (editor) rename(editor);
      });
    }).observe(document.body, {childList: true, subtree: true});
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
